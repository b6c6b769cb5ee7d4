"""``yinsi keys``: master-key rotation, keystore backups, API keys."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from yinsi.cli.context import err, out, state

app = typer.Typer(no_args_is_help=True)


@app.command("rotate")
def rotate(ctx: typer.Context) -> None:
    """Re-wrap every data key under a new master key, without re-encrypting values and without downtime.

    Running processes pick the new key up from the key file at their next use. The old key stays in the
    file until `yinsi keys retire`, run once every process has had time to follow (a minute is plenty).
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from yinsi.bootstrap import open_yinsi

    with (
        open_yinsi(state(ctx).settings()) as yinsi,
        Progress(
            TextColumn("re-wrapping data keys"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err,
            transient=True,
        ) as progress,
    ):
        task = progress.add_task("rotate", total=yinsi.admin.data_key_count())
        report = yinsi.admin.rotate_master_key(progress=lambda n: progress.advance(task, n))
    out.print(
        f"current master key {report.new_master_key}: re-wrapped {report.data_keys} data key(s) and "
        f"{report.secrets} secret(s); run 'yinsi keys retire' once every process has followed",
        markup=False,
    )


@app.command("retire")
def retire(ctx: typer.Context) -> None:
    """Forget the master keys nothing uses any more: first re-wraps any key another process wrapped under an
    older master key during the rotation, then drops the unused ones from the key file."""
    from yinsi.bootstrap import open_yinsi

    with open_yinsi(state(ctx).settings()) as yinsi:
        done = yinsi.admin.retire_master_keys()
    out.print(f"retired {len(done.dropped)} master key(s); re-wrapped {done.re_wrapped} straggler(s)", markup=False)


@app.command("create-api-key")
def create_api_key_cmd(
    ctx: typer.Context,
    role: Annotated[str, typer.Argument(help="A role declared in the policy spec.", show_default=False)],
    label: Annotated[str, typer.Option(help="What the key is for (shown in the audit trail).")] = "",
    policy: Annotated[Path | None, typer.Option("--policy", help="The policy spec declaring the role.")] = None,
) -> None:
    """Create an API key bound to ROLE; the key is printed once and only its hash is stored."""
    from yinsi.bootstrap import open_yinsi

    with open_yinsi(state(ctx).settings(policy_path=policy)) as yinsi:
        issued = yinsi.admin.create_api_key(role=role, label=label or role)
    err.print(f"API key {issued.id} for role {issued.role} (shown once; store it in a secret manager):", markup=False)
    out.print(issued.token, markup=False)


@app.command("revoke-api-key")
def revoke_api_key_cmd(
    ctx: typer.Context, key_id: Annotated[str, typer.Argument(help="The key's id.", show_default=False)]
) -> None:
    """Revoke an API key: every running server refuses it within half a second."""
    from yinsi.bootstrap import open_yinsi

    with open_yinsi(state(ctx).settings()) as yinsi:
        done = yinsi.admin.revoke_api_key(key_id=key_id)
    out.print("revoked" if done else "no such active key", markup=False)
    raise typer.Exit(0 if done else 1)


@app.command("backup")
def keys_backup(
    ctx: typer.Context, destination: Annotated[Path, typer.Argument(help="File to write.", show_default=False)]
) -> None:
    """Back up the keystore into a file that expires (restoring an old keystore could revive shredded keys)."""
    from yinsi.bootstrap import open_yinsi
    from yinsi.services.backups import BackupError

    with open_yinsi(state(ctx).settings()) as yinsi:
        try:
            manifest = yinsi.admin.backup_keystore(destination=destination)
        except BackupError as exc:
            err.print(f"yinsi: {exc}", markup=False)
            raise typer.Exit(1) from None
    out.print(f"keystore backed up to {destination}; it expires {manifest.expires_at:%Y-%m-%d %H:%M} UTC", markup=False)


@app.command("restore")
def keys_restore(
    ctx: typer.Context, source: Annotated[Path, typer.Argument(help="A keystore backup.", show_default=False)]
) -> None:
    """Restore the keystore from an unexpired backup, then destroy again every key shredded since.

    Everything is checked before the live keystore is touched (the seal, the expiry, that every key opens
    with the master keys here, that it is this installation's), and the keystore is replaced in one
    transaction; a refused backup leaves the live keystore as it was. Refused while a server runs.
    """
    from yinsi.bootstrap import restore_keystore
    from yinsi.services.backups import BackupError

    try:
        restore_keystore(state(ctx).settings(), source)
    except BackupError as exc:
        err.print(f"yinsi: {exc}", markup=False)
        raise typer.Exit(1) from None
    out.print("keystore restored; shreds replayed", markup=False)
