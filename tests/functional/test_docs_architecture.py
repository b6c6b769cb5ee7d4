"""docs/architecture.md names real places: every module, package and test it points to exists."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "architecture.md"
# `services/vault/gate.py`, `api/`, `bootstrap.py`, `tests/unit/test_entry_points.py` (code spans only).
PATH = re.compile(r"`((?:[a-z_]+/)*[a-z_]+(?:\.py|/))`")


def named_paths(text: str) -> list[str]:
    return sorted(set(PATH.findall(text)))


def exists(name: str) -> bool:
    return any((base / name).exists() for base in (ROOT / "src" / "yinsi", ROOT))


def test_the_scan_finds_paths_and_a_missing_one_fails() -> None:
    assert named_paths("see `services/vault/gate.py` and `web/` and `yinsi jobs`") == [
        "services/vault/gate.py",
        "web/",
    ]
    assert not exists("services/no_such_module.py")


def test_every_path_the_architecture_page_names_exists() -> None:
    missing = [name for name in named_paths(DOC.read_text(encoding="utf-8")) if not exists(name)]
    assert missing == []
