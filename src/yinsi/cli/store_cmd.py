"""``yinsi backup`` and ``yinsi restore``: the data store (never the keys) while the service runs."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from yinsi.cli.context import err, out, state


def backup(
    ctx: typer.Context,
    destination: Annotated[Path, typer.Argument(help="File to write the backup to.", show_default=False)],
) -> None:
    from yinsi.bootstrap import open_yinsi
    from yinsi.services.backups import BackupError

    with open_yinsi(state(ctx).settings(), migrate=False) as yinsi:
        try:
            yinsi.admin.backup_data_store(destination=destination)
        except BackupError as exc:
            err.print(f"yinsi: {exc}", markup=False)
            raise typer.Exit(1) from None
    out.print(f"data store backed up to {destination} (keys are not in it; back up the keystore apart)", markup=False)


def restore(
    ctx: typer.Context,
    source: Annotated[Path, typer.Argument(help="A backup made by 'yinsi backup'.", show_default=False)],
) -> None:
    from yinsi.bootstrap import restore_data_store
    from yinsi.services.backups import BackupError

    try:
        # Alone on the store from start to end: a running server would go on without replaying the shreds.
        seq = restore_data_store(state(ctx).settings(), source)
    except BackupError as exc:
        err.print(f"yinsi: {exc}", markup=False)
        raise typer.Exit(1) from None
    out.print(
        f"data store restored from {source}; shreds replayed; audit chain re-anchored at event {seq}", markup=False
    )
