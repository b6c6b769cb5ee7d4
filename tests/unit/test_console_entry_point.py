"""The console's pages are an entry point: they call one service operation and never open a transaction or a
connection themselves (the discipline tests/unit/test_entry_points.py asks of api/ and cli/)."""

from __future__ import annotations

import ast
from pathlib import Path

import yinsi.web

WEB = Path(yinsi.web.__file__).parent
FORBIDDEN = {"unit", "reading", "begin", "connect"}


def opened_in(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in FORBIDDEN:
            found.append(f"{path.name}:{node.lineno} .{node.func.attr}()")
    return found


def test_the_console_pages_open_no_transaction_themselves() -> None:
    found = [hit for name in ("console.py", "console_words.py", "pages.py") for hit in opened_in(WEB / name)]
    assert found == [], f"console pages must call a service operation instead: {found}"


def test_the_check_sees_a_transaction_opened_in_a_page(tmp_path: Path) -> None:
    page = tmp_path / "page.py"
    page.write_text("def handler(yinsi):\n    with yinsi.vault.unit() as uow:\n        pass\n", encoding="utf-8")
    assert opened_in(page) == ["page.py:2 .unit()"]
