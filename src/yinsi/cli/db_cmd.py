"""``yinsi db``: the schema of the data store and the keystore."""

from __future__ import annotations

import typer

from yinsi.cli.context import out, state

app = typer.Typer(no_args_is_help=True)


@app.command("upgrade")
def upgrade_cmd(ctx: typer.Context) -> None:
    """Apply every pending migration to the data store and the keystore."""
    from yinsi.bootstrap import upgrade_store

    changed = upgrade_store(state(ctx).settings(create_store=True))
    out.print(f"upgraded: {', '.join(changed)}" if changed else "already up to date", markup=False)


@app.command("status")
def status_cmd(ctx: typer.Context) -> None:
    """Say whether the data store and keystore are up to date (exit 1 if not)."""
    from yinsi.bootstrap import store_status

    settings = state(ctx).settings(create_store=True)
    if settings.is_sqlite and not settings.data_dir.joinpath("yinsi.db").exists() and settings.database_url is None:
        out.print("data: not created yet (run 'yinsi db upgrade')", markup=False)  # and do not create it here
        raise typer.Exit(1)
    behind = store_status(settings)
    for name, is_behind in behind.items():
        out.print(f"{name}: {'behind' if is_behind else 'up to date'}", markup=False)
    raise typer.Exit(1 if any(behind.values()) else 0)
