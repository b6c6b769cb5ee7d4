"""One settings object for the whole process, read from YINSI_* environment variables and CLI flags.

SQLite under a data directory is the default, so a clinic can run yinsi with
no server; a PostgreSQL URL switches the data store and keystore to a server.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class StartupError(Exception):
    """Something the operator must fix before yinsi can start; the message says what."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="YINSI_", extra="ignore")

    data_dir: Path = Field(
        default=Path("data"),
        description="Where the SQLite data store, the SQLite keystore and the local key file live.",
    )
    # Secrets (a URL may hold a password) stay out of repr(), so a logged or printed settings object holds none.
    database_url: str | None = Field(
        default=None, repr=False, description="SQLAlchemy URL of the data store; default: SQLite under data_dir."
    )
    keystore_path: Path | None = Field(
        default=None,
        description="SQLite keystore file (ignored on PostgreSQL, where the keystore is the 'keystore' schema).",
    )
    master_key: str | None = Field(
        default=None,
        repr=False,
        description="Master key(s) from the environment: 'ID:BASE64[,ID:BASE64...]', the first is current. "
        "When unset, a local key file under data_dir is used (one machine only).",
    )
    master_key_file: Path | None = None
    policy_path: Path | None = Field(default=None, description="The policy spec to load at start-up.")
    host: str = "127.0.0.1"
    port: int = 8000
    max_body_bytes: int = 1024 * 1024
    keystore_backup_max_age_days: int = Field(default=7, ge=1, le=90)
    export_link_minutes: int = Field(default=15, ge=1, le=24 * 60)
    pg_bindir: Path | None = Field(default=None, description="Where pg_dump and pg_restore live, if not on PATH.")
    log_level: str = "INFO"
    threads: int = Field(
        default=40,
        ge=1,
        le=512,
        description="Request threads per server worker; each worker's connection pool holds this many plus 4.",
    )
    lock_timeout_seconds: float = Field(
        default=5.0,
        gt=0,
        le=120,
        description="How long a request waits for a database lock or connection before it answers 503 (busy).",
    )

    # Message channels. Without these, every message goes to the console outbox (`yinsi outbox`).
    sms_webhook_url: str | None = Field(default=None, description="SMS gateway webhook (HTTP POST of JSON).")
    push_webhook_url: str | None = Field(default=None, description="Push gateway webhook.")
    webhook_secret: str | None = Field(
        default=None, repr=False, description="HMAC key for X-Yinsi-Signature on webhooks."
    )
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_sender: str = "noreply@yinsi.invalid"
    smtp_username: str | None = None
    smtp_password: str | None = Field(default=None, repr=False)
    smtp_starttls: bool = False
    smtp_ssl: bool = False
    outbox_keep_hours: int = Field(default=24, ge=1, le=24 * 30)
    schedule_jobs: bool = Field(
        default=True,
        description="Whether 'yinsi serve' runs the periodic jobs itself (one worker at a time runs each).",
    )

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'yinsi.db').resolve()}"

    @property
    def is_sqlite(self) -> bool:
        return self.resolved_database_url.startswith("sqlite")

    @property
    def resolved_keystore_path(self) -> Path:
        return (self.keystore_path or self.data_dir / "keystore.db").resolve()

    @property
    def resolved_master_key_file(self) -> Path:
        return (self.master_key_file or self.data_dir / "master.key").resolve()
