"""What every command shares: the settings (from YINSI_* and global options), the language, the console."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import typer
from rich.console import Console

from yinsi.config import Settings


@dataclass
class CliState:
    overrides: dict[str, Any] = field(default_factory=dict)
    lang: str = "zh-CN"

    def settings(self, **more: Any) -> Settings:
        values = {k: v for k, v in {**self.overrides, **more}.items() if v is not None}
        return Settings(**values)


def state(ctx: typer.Context) -> CliState:
    obj = ctx.find_root().obj
    if not isinstance(obj, CliState):
        obj = CliState()
        ctx.find_root().obj = obj
    return obj


def default_lang() -> str:
    value = os.environ.get("YINSI_LANG", "zh-CN")
    return "en" if value.lower().startswith("en") else "zh-CN"


out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

DataDir = typer.Option(
    None, "--data-dir", help="Directory for the SQLite data store and keystore, and the local key file."
)
PolicyFile = typer.Option(None, "--policy", help="Policy spec to load.", exists=False)


def resolve(path: Path | None) -> Path | None:
    return path.expanduser() if path is not None else None
