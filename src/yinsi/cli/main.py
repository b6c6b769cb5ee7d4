"""The ``yinsi`` command: global options, the command groups, and the guarantee that no traceback leaks.

Every failure a user can cause ends in one plain sentence and a non-zero exit
code; an unexpected one ends in a sentence naming the error type (the
traceback goes only to the debug log, which never holds PI values).
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from yinsi.cli import (
    audit_cmd,
    bench_cmd,
    check_cmd,
    db_cmd,
    jobs_cmd,
    keys_cmd,
    lifecycle_cmd,
    outbox_cmd,
    policy,
    publish_cmd,
    requests_cmd,
    retention_cmd,
    scan_cmd,
    serve_cmd,
    sharing_cmd,
    staff_cmd,
    store_cmd,
    webhooks_cmd,
)
from yinsi.cli.context import CliState, default_lang, err, state
from yinsi.config import StartupError
from yinsi.core.errors import YinsiError

log = logging.getLogger("yinsi")

app = typer.Typer(
    name="yinsi",
    help="yinsi (隐私): a privacy policy as code, and the system that keeps its promises.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(policy.app, name="policy", help="Check, render, compare and publish policy specs.")
app.add_typer(db_cmd.app, name="db", help="Create or upgrade the database schema.")
app.add_typer(keys_cmd.app, name="keys", help="Rotate master keys, back up the keystore, create API keys.")
app.add_typer(audit_cmd.app, name="audit", help="Verify and anchor the hash-chained audit trail.")
app.add_typer(bench_cmd.app, name="bench", help="Measure yinsi against a plain baseline on this machine.")
app.command("serve", help="Serve the HTTP API and the rendered policy.")(serve_cmd.serve)
app.command("backup", help="Back up the data store (not the keys) while the service runs.")(store_cmd.backup)
app.command("restore", help="Restore the data store from a backup, replaying shreds.")(store_cmd.restore)
app.command("outbox", help="Show what the console channel kept instead of sending (development).")(outbox_cmd.outbox)
app.add_typer(
    jobs_cmd.app, name="jobs", help="Periodic work: retention sweeps, notices, housekeeping (as serve runs it)."
)
app.add_typer(lifecycle_cmd.incidents_app, name="incidents", help="Security incidents: record, notify, report.")
app.command("statistics", help="Anonymous counts over the spec's declared dimensions.")(lifecycle_cmd.statistics)
app.command("shutdown", help="Announce the service's shutdown (or cancel it); collection stops at the date.")(
    lifecycle_cmd.shutdown
)
app.add_typer(retention_cmd.app, name="retention", help="Events retention counts from, and legal holds.")
app.add_typer(staff_cmd.app, name="staff", help="Create staff accounts (password and TOTP) with staff roles.")
app.add_typer(requests_cmd.app, name="requests", help="The privacy officer's queue of rights requests.")
app.command("scan", help="Find personal information in a database or files; draft the spec's fields.")(scan_cmd.scan)
app.command("redact", help="Mask the personal information in text, files or standard input.")(scan_cmd.redact)
app.command("check", help="Where the spec and the running system stand against PIPL, requirement by requirement.")(
    check_cmd.check
)
app.add_typer(webhooks_cmd.app, name="webhooks", help="Events sent to the operator's systems: list, show, replay.")
app.add_typer(
    sharing_cmd.app, name="sharing", help="Provision records, ended entrustments, disclosures, business transfers."
)
policy.app.command("publish", help="Put a spec in force; a material change asks everyone again.")(publish_cmd.publish)
policy.app.command("versions", help="List the published versions (initial, minor or material), the one in force last.")(
    publish_cmd.versions
)


@app.callback()
def _global(
    ctx: typer.Context,
    data_dir: Annotated[
        Path | None,
        typer.Option("--data-dir", help="Directory for the SQLite data store and keystore, and the local key file."),
    ] = None,
    database_url: Annotated[
        str | None, typer.Option("--database-url", help="SQLAlchemy URL of the data store (default: SQLite).")
    ] = None,
) -> None:
    cli = state(ctx)
    cli.overrides.update(data_dir=data_dir, database_url=database_url)
    cli.lang = default_lang()


def _configure_logging() -> None:
    """yinsi's own loggers at YINSI_LOG_LEVEL (INFO by default) on standard error, their records never holding
    PI; libraries stay at WARNING unless DEBUG is asked for (httpx would log webhook URLs, which may carry tokens)."""
    level = getattr(logging, os.environ.get("YINSI_LOG_LEVEL", "INFO").upper(), logging.INFO)
    logging.basicConfig(
        level=logging.DEBUG if level == logging.DEBUG else logging.WARNING,
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("yinsi").setLevel(level)


def main() -> None:
    _configure_logging()
    try:
        app(standalone_mode=True, obj=CliState())
    except YinsiError as exc:
        err.print(f"yinsi: {exc.message.get(default_lang())}", markup=False)
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:
        if isinstance(exc, StartupError | OSError):
            err.print(f"yinsi: {exc}", markup=False)
            sys.exit(1)
        if type(exc).__module__.startswith("sqlalchemy"):
            # Never print the driver's text: it can quote a statement's parameters or the connection string.
            err.print(
                f"yinsi: the database cannot be used ({type(exc).__name__}); check --database-url or "
                "YINSI_DATABASE_URL, and that the server is running",
                markup=False,
            )
            sys.exit(1)
        log.debug("unexpected error", exc_info=True)
        err.print(
            f"yinsi: internal error ({type(exc).__name__}); run with YINSI_LOG_LEVEL=DEBUG for details", markup=False
        )
        sys.exit(70)


if __name__ == "__main__":
    main()
