"""``yinsi backup`` and ``yinsi restore``: the data store (never the keys) while the service runs."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from yinsi.cli.context import err, out, state
from yinsi.core.i18n import Msg


def backup(
    ctx: typer.Context,
    destination: Annotated[Path, typer.Argument(help="File to write the backup to.", show_default=False)],
) -> None:
    from yinsi.bootstrap import open_yinsi
    from yinsi.services.audit import AuditEvent
    from yinsi.services.backups import BackupError, backup_data_store

    settings = state(ctx).settings()
    yinsi = open_yinsi(settings, migrate=False)
    try:
        with yinsi.vault.unit() as uow:
            uow.record(AuditEvent("data-store-backed-up", "system", role="system"))
        backup_data_store(settings, yinsi.engine, destination)
    except BackupError as exc:
        err.print(f"yinsi: {exc}", markup=False)
        raise typer.Exit(1) from None
    finally:
        yinsi.close()
    out.print(f"data store backed up to {destination} (keys are not in it; back up the keystore apart)", markup=False)


def restore(
    ctx: typer.Context,
    source: Annotated[Path, typer.Argument(help="A backup made by 'yinsi backup'.", show_default=False)],
) -> None:
    from yinsi.adapters.db.store_guard import exclusive
    from yinsi.bootstrap import open_yinsi
    from yinsi.services.audit import AuditEvent
    from yinsi.services.backups import BackupError, restore_data_store

    settings = state(ctx).settings()
    # Alone on the store from start to end: a running server would go on without replaying the shreds.
    with exclusive(settings.resolved_database_url, Msg("恢复数据存储", "restore the data store")):
        yinsi = open_yinsi(settings, migrate=False)
        try:
            restore_data_store(settings, yinsi.engine, source)
        except BackupError as exc:
            err.print(f"yinsi: {exc}", markup=False)
            raise typer.Exit(1) from None
        finally:
            yinsi.close()
        # Reopening replays every shred recorded in the keystore before the store is used.
        with open_yinsi(settings) as yinsi:
            with yinsi.vault.unit() as uow:
                uow.record(AuditEvent("data-store-restored", "system", role="system"))
            seq = yinsi.audit.anchor(yinsi.engine, yinsi.now())
    out.print(
        f"data store restored from {source}; shreds replayed; audit chain re-anchored at event {seq}", markup=False
    )
