"""Entry points only translate: no API route or CLI command opens a transaction or a connection itself.

A use case orchestrated in a route would have to be orchestrated again in the
web pages and the jobs; a transaction opened by an entry point is where that
starts. The service operation opens its own unit of work.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "yinsi"
ENTRY_POINTS = sorted(
    [*SRC.joinpath("api").rglob("*.py"), *SRC.joinpath("cli").rglob("*.py"), *SRC.joinpath("web").rglob("*.py")]
)
# Opening a unit of work, a read unit, a transaction or a connection.
OPENERS = frozenset({"unit", "reading", "begin", "connect"})
UNIT_CLASSES = frozenset({"UnitOfWork", "ReadUnit"})


def transactions_opened(source: str) -> list[str]:
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in OPENERS and not node.args:
            found.append(f"line {node.lineno}: .{func.attr}()")
        elif isinstance(func, ast.Name) and func.id in UNIT_CLASSES:
            found.append(f"line {node.lineno}: {func.id}(...)")
    return found


def test_the_scan_finds_a_route_that_opens_a_unit_of_work() -> None:
    route = "def route(yinsi):\n    with yinsi.vault.unit() as uow:\n        pass\n    with yinsi.engine.connect() as c:\n        pass\n"
    assert transactions_opened(route) == ["line 2: .unit()", "line 4: .connect()"]


@pytest.mark.parametrize("path", ENTRY_POINTS, ids=lambda p: str(p.relative_to(SRC)))
def test_no_entry_point_opens_a_transaction_itself(path: Path) -> None:
    assert transactions_opened(path.read_text(encoding="utf-8")) == []
