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
    demo: bool = Field(
        default=False, description="Also serve the demo booking service at /demo (yinsi serve --demo; make run)."
    )
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
    login_release_webhook_url: str | None = Field(
        default=None, description="Gateway that releases third-party logins (WeChat, Weibo, QQ) of cancelled accounts."
    )
    recipient_webhooks: bool = Field(
        default=False,
        description="Deliver recipients' deletion and correction notices to the https:// deletion_channel the spec "
        "names for each (otherwise they wait in the console outbox for the operator to pass on).",
    )
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

    # Events for the operator's systems (webhooks), and notices to staff.
    events_url: str | None = Field(
        default=None, description="The operator's endpoint for events (Standard Webhooks); unset: events wait."
    )
    events_secret: str | None = Field(
        default=None, repr=False, description="The whsec_... secret events are signed with (yinsi webhooks secret)."
    )
    events_interval_seconds: float = Field(
        default=5.0, ge=0.5, le=3600, description="How often a server process looks for events to deliver."
    )
    staff_notices_to: str | None = Field(
        default=None, description="The e-mail address notices to staff go to (new requests, due soon)."
    )

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'yinsi.db').resolve()}"

    @property
    def database_location(self) -> str:
        """The database URL as it may be shown: never its password."""
        from sqlalchemy import make_url  # noqa: PLC0415 - settings load without SQLAlchemy (`policy check`)

        return make_url(self.resolved_database_url).render_as_string(hide_password=True)

    @property
    def is_sqlite(self) -> bool:
        return self.resolved_database_url.startswith("sqlite")

    @property
    def resolved_keystore_path(self) -> Path:
        return (self.keystore_path or self.data_dir / "keystore.db").resolve()

    @property
    def resolved_master_key_file(self) -> Path:
        return (self.master_key_file or self.data_dir / "master.key").resolve()
