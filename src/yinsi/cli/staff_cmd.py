"""``yinsi staff``: create staff accounts (password + TOTP) with a staff role from the spec."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from yinsi.cli.context import err, out, state

app = typer.Typer(no_args_is_help=True)


@app.command("create")
def create(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="Lower-case letters, digits and . _ -", show_default=False)],
    role: Annotated[str, typer.Option("--role", help="A staff role of the policy spec.", show_default=False)],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
) -> None:
    """Create a member of staff; prints the TOTP secret once, to enrol in an authenticator app."""
    from yinsi.bootstrap import open_yinsi

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = typer.prompt("Password (12 characters or more)", hide_input=True, confirmation_prompt=True)
    with open_yinsi(state(ctx).settings()) as yinsi:
        created = yinsi.admin.create_staff(username=username, role=role, password=password)
    err.print(
        f"staff {created.username} created with role {created.role}; enrol this TOTP secret now "
        "(it is not shown again):",
        markup=False,
    )
    out.print(created.totp_secret, markup=False)
    err.print(created.provisioning_uri, markup=False)


@app.command("disable")
def disable(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(show_default=False)],
) -> None:
    """Stop a member of staff at once (their sessions end; the account stays in the audit trail)."""
    from yinsi.bootstrap import open_yinsi

    with open_yinsi(state(ctx).settings()) as yinsi:
        yinsi.admin.disable_staff(username=username)
    out.print(f"staff {username} disabled", markup=False)


@app.command("reset-totp")
def reset_totp(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(show_default=False)],
) -> None:
    """Give a member of staff a new TOTP secret (a lost or replaced phone); prints it once."""
    from yinsi.bootstrap import open_yinsi

    with open_yinsi(state(ctx).settings()) as yinsi:
        renewed = yinsi.admin.reset_totp(username=username)
    err.print(f"new TOTP secret for {username} (shown once):", markup=False)
    out.print(renewed.totp_secret, markup=False)
    err.print(renewed.provisioning_uri, markup=False)
