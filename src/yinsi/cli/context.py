"""What every command shares: the settings (from YINSI_* and global options), the language, the console.

Every command that uses a store takes its settings from ``CliState.settings``: the environment first,
the global options (``yinsi --data-dir DIR --database-url URL COMMAND``) over it, then the command's own
options over those; an option that was not given overrides nothing. It is also where a command is refused
on a directory or database that holds no store (only ``serve`` and ``db`` create one), and where the
process's umask becomes 077: the stores, their WAL files, backups and keys are the operator's alone.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import typer
from rich.console import Console

from yinsi.config import Settings
from yinsi.core.errors import YinsiError
from yinsi.core.i18n import Msg, env_lang


class NoStore(YinsiError):
    """A command that needs a store was pointed at a directory or database that holds none."""

    code = "no_store"


@dataclass
class CliState:
    overrides: dict[str, Any] = field(default_factory=dict)
    lang: str = "zh-CN"

    def settings(self, *, create_store: bool = False, **more: Any) -> Settings:
        """The settings of this run. A command's own option left unset (None) must not hide the global one:
        ``yinsi --data-dir DIR serve`` serves DIR. Unless ``create_store``, refuses (``NoStore``) where there
        is no store, before anything (a file, a directory, a master key) is created there."""
        values = {k: v for k, v in self.overrides.items() if v is not None}
        values.update({k: v for k, v in more.items() if v is not None})
        settings = Settings(**values)
        os.umask(0o077)  # new files 0600, new directories 0700: stores, WAL/SHM files, lock file, backups
        from yinsi.bootstrap import has_store  # noqa: PLC0415 - `policy check` need not load SQLAlchemy

        if not create_store and not has_store(settings):
            raise NoStore(_no_store_message(settings))
        return settings


def _no_store_message(settings: Settings) -> Msg:
    if settings.is_sqlite and settings.database_url is None:
        where_zh = where_en = str(settings.data_dir)
    else:
        where = settings.database_location
        where_zh, where_en = f"数据库 {where}", f"the database {where}"
    return Msg(
        f"{where_zh} 中没有 yinsi 存储；请先运行 'yinsi serve' 或 'yinsi db upgrade'（或检查 --data-dir、--database-url）。",
        f"no yinsi store in {where_en}; run 'yinsi serve' or 'yinsi db upgrade' first "
        "(or check --data-dir and --database-url)",
    )


def state(ctx: typer.Context) -> CliState:
    obj = ctx.find_root().obj
    if not isinstance(obj, CliState):
        obj = CliState()
        ctx.find_root().obj = obj
    return obj


def default_lang() -> str:
    return env_lang()


out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

DataDir = typer.Option(
    None, "--data-dir", help="Directory for the SQLite data store and keystore, and the local key file."
)
PolicyFile = typer.Option(None, "--policy", help="Policy spec to load.", exists=False)


def resolve(path: Path | None) -> Path | None:
    return path.expanduser() if path is not None else None
