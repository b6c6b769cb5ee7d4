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
    from yinsi.services import staff

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = typer.prompt("Password (12 characters or more)", hide_input=True, confirmation_prompt=True)
    yinsi = open_yinsi(state(ctx).settings())
    try:
        with yinsi.vault.unit() as uow:
            created = staff.create(
                uow,
                yinsi.vault,
                username=username,
                role=role,
                password=password,
                issuer=yinsi.policy.current().spec.policy.title.get("en")[:40],
            )
    finally:
        yinsi.close()
    err.print(
        f"staff {created.username} created with role {created.role}; enrol this TOTP secret now "
        "(it is not shown again):",
        markup=False,
    )
    out.print(created.totp_secret, markup=False)
    err.print(created.provisioning_uri, markup=False)
