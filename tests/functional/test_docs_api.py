"""docs/api.md and docs/operations.md are contracts: these tests fail as soon as either drifts from the code.

As tests/functional/test_docs.py does for docs/spec.md, they derive what must
be documented from the code itself (the app's OpenAPI document, the problem
codes, the access decision's reasons, the settings, the CLI) and look for each
in the text. A new route, code, setting or command therefore cannot be merged
without a line in the reference that an integrator or an operator will read.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
from fastapi.testclient import TestClient
from pydantic_core import PydanticUndefined

from yinsi.api.app import create_app
from yinsi.api.problems import STATUS
from yinsi.bootstrap import open_yinsi
from yinsi.cli.main import app as cli_app
from yinsi.config import Settings
from yinsi.core.access import Deny
from yinsi.core.policy.compiled import CompiledPolicy
from yinsi.core.policy.load import load_policy_file

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
API_DOC = DOCS / "api.md"
OPS_DOC = DOCS / "operations.md"
CLINIC = ROOT / "tests" / "fixtures" / "clinic.yaml"

HTTP_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
PROBLEM_SECTION = "### Problem codes"
DENY_SECTION = "### Access decision codes"
SETTINGS_SECTION = "## Configuration"
# A table row of a code: | `code` | 403 | meaning |
CODE_ROW = re.compile(r"^\| `([a-z0-9_]+)` \| (\d{3}) \|", re.MULTILINE)
SETTING_ROW = re.compile(r"^\| `(YINSI_[A-Z0-9_]+)` \| ([^|]*) \|", re.MULTILINE)
# Command groups documented elsewhere: the benchmarks (docs/performance.md) and the spec tools (docs/spec.md).
NOT_OPERATIONS = {("bench",), ("policy", "check"), ("policy", "render"), ("policy", "diff"), ("policy", "schema")}
# Words that end a command on a shell line.
SHELL_STOPS = frozenset({"|", "||", "&&", ";", ">", ">>", "<", "2>", "&", "#", "\\"})


@pytest.fixture(scope="module")
def api_doc() -> str:
    return API_DOC.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def ops_doc() -> str:
    return OPS_DOC.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def openapi(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The OpenAPI document of the real app, built on a throw-away SQLite store with the test clinic policy."""
    loaded = load_policy_file(CLINIC)
    assert loaded.spec is not None
    yinsi = open_yinsi(
        Settings(data_dir=tmp_path_factory.mktemp("docs-api")), policy=CompiledPolicy.from_spec(loaded.spec)
    )
    try:
        application = create_app(yinsi)
        document = application.openapi()
        document["x-urls"] = {"openapi": application.openapi_url, "docs": application.docs_url}
        with TestClient(application, raise_server_exceptions=False, follow_redirects=False) as client:
            document["x-client"] = client
            yield document
    finally:
        yinsi.close()


def _backticked(text: str) -> set[str]:
    return set(re.findall(r"`([^`\n]+)`", text))


def _section(text: str, heading: str) -> str:
    start = text.index(heading)
    level = heading.split(" ", 1)[0]
    following = re.search(rf"^#{{1,{len(level)}}} ", text[start + len(heading) :], re.MULTILINE)
    end = start + len(heading) + following.start() if following else len(text)
    return text[start:end]


# --------------------------------------------------------------------------- every route of the API


def _operations(openapi: dict[str, Any]) -> set[str]:
    return {
        f"{method.upper()} {path}"
        for path, item in openapi["paths"].items()
        for method in item
        if method.upper() in HTTP_METHODS
    }


def _documented_operations(text: str) -> set[str]:
    pattern = re.compile(rf"^(?:{'|'.join(HTTP_METHODS)}) /\S*$")
    return {span for span in _backticked(text) if pattern.match(span)}


def test_the_app_has_the_routes_this_test_expects(openapi: dict[str, Any]) -> None:
    operations = _operations(openapi)
    assert {"GET /v1/subjects/{subject_id}/pi", "POST /v1/auth/login", "GET /v1/staff/requests"} <= operations


def test_every_path_is_documented(api_doc: str, openapi: dict[str, Any]) -> None:
    text = api_doc
    missing = sorted(path for path in openapi["paths"] if path not in text)
    assert not missing, f"docs/api.md never mentions these paths of the API: {missing}"


def test_every_route_has_its_own_entry(api_doc: str, openapi: dict[str, Any]) -> None:
    missing = sorted(_operations(openapi) - _documented_operations(api_doc))
    assert not missing, (
        f"docs/api.md has no entry for {missing}: add a heading such as #### `GET /v1/...` with what the "
        "route is for, who may call it, an example and the codes it can return"
    )


def test_no_documented_route_is_stale(api_doc: str, openapi: dict[str, Any]) -> None:
    """A documented route must be in the schema, or be one the app answers outside it (``GET /`` redirects)."""
    client: TestClient = openapi["x-client"]
    stale = []
    for operation in sorted(_documented_operations(api_doc) - _operations(openapi)):
        method, path = operation.split(" ", 1)
        answer = client.request(method, re.sub(r"\{[^}]+\}", "x", path))
        if answer.status_code in (404, 405):
            stale.append(operation)
    assert not stale, f"docs/api.md documents routes the app does not have: {stale}"


def test_the_openapi_and_docs_urls_are_documented(api_doc: str, openapi: dict[str, Any]) -> None:
    documented = _backticked(api_doc)
    for url in openapi["x-urls"].values():
        assert url in documented, f"docs/api.md does not say the API serves {url}"


# --------------------------------------------------------------------------- every problem code


def _code_rows(text: str, heading: str) -> dict[str, int]:
    return {code: int(status) for code, status in CODE_ROW.findall(_section(text, heading))}


def test_every_code_is_mentioned(api_doc: str) -> None:
    documented = _backticked(api_doc)
    missing = sorted(code for code in [*STATUS, *(reason.value for reason in Deny)] if code not in documented)
    assert not missing, f"docs/api.md does not mention these problem codes (in backticks): {missing}"


def test_every_problem_code_has_a_row_with_its_status(api_doc: str) -> None:
    rows = _code_rows(api_doc, PROBLEM_SECTION)
    deny = {reason.value for reason in Deny}
    expected = {code: status for code, status in STATUS.items() if code not in deny}
    missing = sorted(set(expected) - set(rows))
    assert not missing, f"the table under '{PROBLEM_SECTION}' in docs/api.md has no row for {missing}"
    wrong = {code: (rows[code], expected[code]) for code in expected if rows[code] != expected[code]}
    assert not wrong, f"docs/api.md gives the wrong HTTP status (documented, actual) for {wrong}"
    stale = sorted(set(rows) - set(expected))
    assert not stale, f"the table under '{PROBLEM_SECTION}' lists codes the API does not have: {stale}"


def test_every_deny_code_has_a_row_with_its_status(api_doc: str) -> None:
    rows = _code_rows(api_doc, DENY_SECTION)
    expected = {reason.value: STATUS[reason.value] for reason in Deny}
    assert rows == expected, (
        f"the table under '{DENY_SECTION}' in docs/api.md must list every yinsi.core.access.Deny value with "
        f"its HTTP status, and nothing else: missing {sorted(set(expected) - set(rows))}, "
        f"stale {sorted(set(rows) - set(expected))}, "
        f"wrong status {sorted(c for c in set(rows) & set(expected) if rows[c] != expected[c])}"
    )


# --------------------------------------------------------------------------- every setting


def _setting_names() -> dict[str, Any]:
    return {f"YINSI_{name.upper()}": info.default for name, info in Settings.model_fields.items()}


def _default_text(default: Any) -> str | None:
    """How a default must appear in the table's Default column (None: it says the setting is unset)."""
    if default is None or default is PydanticUndefined:
        return None
    if isinstance(default, bool):
        return f"`{str(default).lower()}`"
    return f"`{default}`"


def test_every_setting_is_mentioned(ops_doc: str) -> None:
    documented = _backticked(ops_doc)
    missing = sorted(name for name in _setting_names() if name not in documented)
    assert not missing, f"docs/operations.md does not mention these settings (in backticks): {missing}"


def test_the_settings_table_is_complete_with_the_right_defaults(ops_doc: str) -> None:
    rows = {name: default.strip() for name, default in SETTING_ROW.findall(_section(ops_doc, SETTINGS_SECTION))}
    settings = _setting_names()
    missing = sorted(set(settings) - set(rows))
    assert not missing, f"the settings table of docs/operations.md has no row for {missing}"
    stale = sorted(set(rows) - set(settings))
    assert not stale, f"the settings table of docs/operations.md lists settings config.py does not have: {stale}"
    wrong = {}
    for name, default in settings.items():
        expected = _default_text(default)
        cell = rows[name]
        if (expected is None and not cell.startswith("unset")) or (expected is not None and expected not in cell):
            wrong[name] = (cell, expected or "unset")
    assert not wrong, f"docs/operations.md gives the wrong default (documented, actual) for {wrong}"


# --------------------------------------------------------------------------- every command


def _command_lines(text: str) -> Iterator[str]:
    """`yinsi ...` code spans, and the yinsi invocations of shell blocks (after env assignments, cron fields...)."""
    yield from re.findall(r"`(yinsi [^`\n]+)`", text)
    for block in re.findall(r"^[ \t]*```sh\n(.*?)^[ \t]*```", text, re.MULTILINE | re.DOTALL):
        for line in block.splitlines():
            for match in re.finditer(r"(?:^|(?<=[\s;&|(]))(?:\S*/)?yinsi(?= )", line):
                yield "yinsi" + line[match.end() :]


def _option(command: Any, word: str) -> Any | None:
    name = word.split("=", 1)[0]
    for param in getattr(command, "params", ()):
        if name in (*getattr(param, "opts", ()), *getattr(param, "secondary_opts", ())):
            return param
    return None


def _check_command(root: Any, line: str) -> tuple[tuple[str, ...], str | None]:
    """The command path a line invokes, and what is wrong with it (None when every group, command and
    option exists). Arguments of the final command are not checked: they are placeholders."""
    command = root
    path: tuple[str, ...] = ()
    words = line.split()[1:]
    position = 0
    while position < len(words):
        word = words[position]
        if word in SHELL_STOPS or word.startswith("#"):
            break
        if word.startswith("-"):
            if word == "--help":
                break
            option = _option(command, word)
            if option is None:
                return path, f"{' '.join(('yinsi', *path))} has no option {word}"
            takes_value = not getattr(option, "is_flag", False) and "=" not in word
            position += 2 if takes_value else 1
            continue
        # Typer's groups are not click.Group subclasses; what makes a group is its sub-commands.
        subcommands = getattr(command, "commands", None)
        if subcommands is None:
            position += 1  # an argument of the command
            continue
        if word not in subcommands:
            return path, f"{' '.join(('yinsi', *path))} has no command {word}"
        command, path = subcommands[word], (*path, word)
        position += 1
    return path, None


@pytest.mark.parametrize("doc_file", [API_DOC, OPS_DOC], ids=["api.md", "operations.md"])
def test_every_documented_command_exists(doc_file: Path) -> None:
    root = typer.main.get_command(cli_app)
    lines = list(_command_lines(doc_file.read_text(encoding="utf-8")))
    assert lines, f"{doc_file.name} shows no yinsi command"
    problems = [f"{line!r}: {problem}" for line in lines for _, problem in [_check_command(root, line)] if problem]
    assert not problems, f"docs/{doc_file.name} shows commands yinsi does not have:\n" + "\n".join(problems)


def test_the_command_check_finds_shell_lines_and_catches_mistakes() -> None:
    text = "```sh\n*/15 * * * * /srv/yinsi/.venv/bin/yinsi audit anchor  # often\nyinsi keys rotat\n```\n"
    assert list(_command_lines(text)) == ["yinsi audit anchor  # often", "yinsi keys rotat"]
    root = typer.main.get_command(cli_app)
    assert _check_command(root, "yinsi --data-dir /srv/data keys create-api-key --label x") == (
        ("keys", "create-api-key"),
        None,
    )
    assert _check_command(root, "yinsi keys rotat")[1] is not None
    assert _check_command(root, "yinsi keys rotate --retry")[1] is not None


def _leaf_commands(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    subcommands = getattr(command, "commands", None)
    if subcommands is None:
        yield path
        return
    for name, sub in subcommands.items():
        yield from _leaf_commands(sub, (*path, name))


def test_every_operations_command_is_in_operations_md(ops_doc: str) -> None:
    root = typer.main.get_command(cli_app)
    shown = {_check_command(root, line)[0] for line in _command_lines(ops_doc)}
    wanted = [path for path in _leaf_commands(root) if not any(path[: len(skip)] == skip for skip in NOT_OPERATIONS)]
    missing = sorted(" ".join(("yinsi", *path)) for path in wanted if path not in shown)
    assert not missing, f"docs/operations.md never shows these commands: {missing}"


# --------------------------------------------------------------------------- links


def _slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    return {_slug(h) for h in re.findall(r"^#{1,6} (.+)$", path.read_text(encoding="utf-8"), re.MULTILINE)}


@pytest.mark.parametrize("doc_file", [API_DOC, OPS_DOC], ids=["api.md", "operations.md"])
def test_every_link_has_a_target(doc_file: Path) -> None:
    broken = []
    for target in re.findall(r"\]\(([^)\s]+)\)", doc_file.read_text(encoding="utf-8")):
        if re.match(r"^[a-z]+://", target):
            continue
        file_part, _, anchor = target.partition("#")
        linked = (doc_file.parent / file_part) if file_part else doc_file
        missing_anchor = bool(anchor) and linked.suffix == ".md" and linked.is_file() and anchor not in _anchors(linked)
        if not linked.is_file() or missing_anchor:
            broken.append(target)
    assert not broken, f"docs/{doc_file.name} links to files or headings that do not exist: {broken}"
