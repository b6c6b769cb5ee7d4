"""`yinsi --help` and every group's help list each command with a line saying what it does."""

from __future__ import annotations

from typing import Any

import typer

from yinsi.cli.main import app


def commands(group: Any, prefix: str = "yinsi") -> list[tuple[str, Any]]:
    found: list[tuple[str, Any]] = []
    for name, command in getattr(group, "commands", {}).items():
        found.append((f"{prefix} {name}", command))
        found.extend(commands(command, f"{prefix} {name}"))
    return found


def test_every_command_says_what_it_does() -> None:
    listed = commands(typer.main.get_command(app))
    assert len(listed) > 30
    silent = [path for path, command in listed if not command.get_short_help_str(limit=200).strip()]
    assert silent == []
