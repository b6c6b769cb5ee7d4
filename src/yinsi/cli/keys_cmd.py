"""``yinsi keys``: master-key rotation, keystore backups, API keys."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from yinsi.cli.context import err, out, state
from yinsi.core.i18n import Msg

app = typer.Typer(no_args_is_help=True)


@app.command("rotate")
def rotate(ctx: typer.Context) -> None:
    """Re-wrap every data key under a new master key, without re-encrypting values and without downtime.

    Running processes pick the new key up from the key file at their next use. The old key stays in the
    file until `yinsi keys retire`, run once every process has had time to follow (a minute is plenty).
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
    from sqlalchemy import func, select

    from yinsi.adapters.db.rows import DataKeyRow, table_of
    from yinsi.adapters.keys.local_file import LocalFileKeyProvider
    from yinsi.bootstrap import open_yinsi
    from yinsi.services.audit import AuditEvent

    settings = state(ctx).settings()
    with open_yinsi(settings) as yinsi:
        provider = yinsi.keyring.provider
        # Environment keys: the operator has already put the new key first in YINSI_MASTER_KEY.
        new_master = provider.add_new_current() if isinstance(provider, LocalFileKeyProvider) else provider.current()
        with yinsi.engine.connect() as connection:
            total = int(connection.execute(select(func.count()).select_from(table_of(DataKeyRow))).scalar_one())
        with Progress(
            TextColumn("re-wrapping data keys"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err,
            transient=True,
        ) as progress:
            task = progress.add_task("rotate", total=total)
            report = yinsi.keyring.rotate(yinsi.engine, new_master, progress=lambda n: progress.advance(task, n))
        with yinsi.vault.unit() as uow:
            uow.record(
                AuditEvent(
                    "master-key-rotated",
                    "system",
                    role="system",
                    details={
                        "master_key": report.new_master_key,
                        "data_keys": report.data_keys,
                        "secrets": report.secrets,
                    },
                )
            )
        out.print(
            f"current master key {report.new_master_key}: re-wrapped {report.data_keys} data key(s) and "
            f"{report.secrets} secret(s); run 'yinsi keys retire' once every process has followed",
            markup=False,
        )


@app.command("retire")
def retire(ctx: typer.Context) -> None:
    """Forget the master keys nothing uses any more: first re-wraps any key another process wrapped under an
    older master key during the rotation, then drops the unused ones from the key file."""
    from yinsi.adapters.keys.local_file import LocalFileKeyProvider
    from yinsi.bootstrap import open_yinsi
    from yinsi.services.audit import AuditEvent

    with open_yinsi(state(ctx).settings()) as yinsi:
        provider = yinsi.keyring.provider
        if not isinstance(provider, LocalFileKeyProvider):
            err.print(
                "keys given in YINSI_MASTER_KEY are retired by removing them from the variable, after "
                "'yinsi keys rotate' with the new key first",
                markup=False,
            )
            raise typer.Exit(1)
        current = provider.current()
        stragglers = yinsi.keyring.rotate(yinsi.engine, current)
        dropped = provider.retire(sorted(yinsi.keyring.master_ids_in_use(yinsi.engine)))
        with yinsi.vault.unit() as uow:
            uow.record(
                AuditEvent(
                    "master-keys-retired",
                    "system",
                    role="system",
                    details={"retired": dropped, "re_wrapped": stragglers.data_keys},
                )
            )
        out.print(f"retired {len(dropped)} master key(s); re-wrapped {stragglers.data_keys} straggler(s)", markup=False)


@app.command("create-api-key")
def create_api_key_cmd(
    ctx: typer.Context,
    role: Annotated[str, typer.Argument(help="A role declared in the policy spec.", show_default=False)],
    label: Annotated[str, typer.Option(help="What the key is for (shown in the audit trail).")] = "",
    policy: Annotated[Path | None, typer.Option("--policy", help="The policy spec declaring the role.")] = None,
) -> None:
    """Create an API key bound to ROLE; the key is printed once and only its hash is stored."""
    from yinsi.bootstrap import open_yinsi
    from yinsi.services.api_keys import create_api_key

    settings = state(ctx).settings(policy_path=policy)
    with open_yinsi(settings) as yinsi:
        with yinsi.vault.unit() as uow:
            issued = create_api_key(uow, yinsi.policy.current(), role=role, label=label or role, now=yinsi.now())
        err.print(
            f"API key {issued.id} for role {issued.role} (shown once; store it in a secret manager):", markup=False
        )
        out.print(issued.token, markup=False)


@app.command("revoke-api-key")
def revoke_api_key_cmd(
    ctx: typer.Context, key_id: Annotated[str, typer.Argument(help="The key's id.", show_default=False)]
) -> None:
    """Revoke an API key: every running server refuses it within half a second."""
    from yinsi.bootstrap import open_yinsi
    from yinsi.services.api_keys import revoke_api_key

    with open_yinsi(state(ctx).settings()) as yinsi:
        with yinsi.vault.unit() as uow:
            done = revoke_api_key(uow, key_id, yinsi.now())
        out.print("revoked" if done else "no such active key", markup=False)
        raise typer.Exit(0 if done else 1)


@app.command("backup")
def keys_backup(
    ctx: typer.Context, destination: Annotated[Path, typer.Argument(help="File to write.", show_default=False)]
) -> None:
    """Back up the keystore into a file that expires (restoring an old keystore could revive shredded keys)."""
    from yinsi.bootstrap import open_yinsi
    from yinsi.services.audit import AuditEvent
    from yinsi.services.backups import BackupError, backup_keystore

    settings = state(ctx).settings()
    with open_yinsi(settings) as yinsi:
        try:
            manifest = backup_keystore(settings, yinsi.engine, destination, yinsi.now(), yinsi.keyring.provider)
        except BackupError as exc:
            err.print(f"yinsi: {exc}", markup=False)
            raise typer.Exit(1) from None
        with yinsi.vault.unit() as uow:
            uow.record(
                AuditEvent(
                    "keystore-backed-up",
                    "system",
                    role="system",
                    details={"expires_at": manifest.expires_at.isoformat()},
                )
            )
        out.print(
            f"keystore backed up to {destination}; it expires {manifest.expires_at:%Y-%m-%d %H:%M} UTC", markup=False
        )


@app.command("restore")
def keys_restore(
    ctx: typer.Context, source: Annotated[Path, typer.Argument(help="A keystore backup.", show_default=False)]
) -> None:
    """Restore the keystore from an unexpired backup, then destroy again every key shredded since.

    Everything is checked before the live keystore is touched (the seal, the expiry, that every key opens
    with the master keys here, that it is this installation's), and the keystore is replaced in one
    transaction; a refused backup leaves the live keystore as it was. Refused while a server runs.
    """
    from yinsi.adapters.db.migrate import upgrade
    from yinsi.adapters.db.store_guard import exclusive
    from yinsi.bootstrap import engine_for, key_provider, open_yinsi
    from yinsi.services.audit import AuditEvent
    from yinsi.services.backups import BackupError, restore_keystore

    settings = state(ctx).settings()
    with exclusive(settings.resolved_database_url, Msg("恢复密钥库", "restore the keystore")):
        # No key file and no YINSI_MASTER_KEY: say which key the backup needs rather than create a new one.
        has_keys = settings.master_key is not None or settings.resolved_master_key_file.exists()
        keys = key_provider(settings) if has_keys else None
        engine = engine_for(settings, pool=False)
        try:
            upgrade(engine)
            # The live keystore is not opened first: it may be the broken thing this restore repairs.
            done = restore_keystore(settings, engine, source, datetime.now(UTC), keys)
        except BackupError as exc:
            err.print(f"yinsi: {exc}", markup=False)
            raise typer.Exit(1) from None
        finally:
            engine.dispose()
        # Reopening replays shreds before anything else.
        with open_yinsi(settings) as yinsi, yinsi.vault.unit() as uow:
            uow.record(
                AuditEvent(
                    "keystore-restored",
                    "system",
                    role="system",
                    details={
                        "backup_created_at": done.manifest.created_at.isoformat(),
                        "data_keys": done.data_keys,
                        "left_shredded": done.dropped,
                    },
                )
            )
    out.print("keystore restored; shreds replayed", markup=False)
