"""docs/spec.md is a contract: these tests fail as soon as the spec reference drifts from the code.

After datasette's ``tests/test_docs.py``: rather than trusting people to update
the reference, the tests derive what must be documented from the code itself
(the model's keys, the vocabularies, the problem codes, the CLI) and look for
each in the text. A new key, value or check therefore cannot be merged without
a line in the reference that a privacy officer will read.
"""

from __future__ import annotations

import ast
import re
import typing
from collections.abc import Iterator
from enum import Enum
from pathlib import Path
from types import ModuleType

import pytest
import typer
from pydantic import BaseModel
from typer.testing import CliRunner

from yinsi.cli.main import app
from yinsi.core.policy import check as check_module
from yinsi.core.policy import load as load_module
from yinsi.core.policy.load import load_policy_text
from yinsi.core.policy.model import PolicySpec

ROOT = Path(__file__).resolve().parents[2]
SPEC_DOC = ROOT / "docs" / "spec.md"
SCHEMA_FILE = ROOT / "docs" / "policy-spec.schema.json"
REGENERATE_SCHEMA = ".venv/bin/yinsi policy schema > docs/policy-spec.schema.json"

# The calls that give a problem its code, and the position of the code among their arguments.
CODE_ARGUMENT = {"_error": 1, "_warn": 1, "_fail": 1, "Finding": 2}
# The helpers that forward a code they were given; everywhere else a code must be a literal.
FORWARDING_HELPERS = frozenset(CODE_ARGUMENT)
PROBLEMS_SECTION = "## Errors and warnings"


@pytest.fixture(scope="module")
def doc() -> str:
    return SPEC_DOC.read_text(encoding="utf-8")


def _backticked(text: str) -> set[str]:
    return set(re.findall(r"`([^`\n]+)`", text))


# --------------------------------------------------------------------------- the annotated example


def _example(text: str) -> str:
    match = re.search(r"^```yaml\n(.*?)^```", text, re.MULTILINE | re.DOTALL)
    assert match is not None, "docs/spec.md has no ```yaml block: the annotated example must come first"
    return match.group(1)


def test_annotated_example_loads_without_errors(doc: str) -> None:
    result = load_policy_text(_example(doc), "docs/spec.md (annotated example)")
    assert result.errors == [], "\n".join(p.format("en") for p in result.errors)
    assert result.spec is not None


def test_annotated_example_has_no_warnings(doc: str) -> None:
    """The reference says the example passes ``policy check --strict``: keep that true."""
    result = load_policy_text(_example(doc), "docs/spec.md (annotated example)")
    assert result.warnings == [], "\n".join(p.format("en") for p in result.warnings)


# --------------------------------------------------------------------------- every key and every value


def _models(annotation: object) -> Iterator[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for argument in typing.get_args(annotation):
        yield from _models(argument)


def _all_models() -> list[type[BaseModel]]:
    seen: list[type[BaseModel]] = []
    pending: list[type[BaseModel]] = [PolicySpec]
    while pending:
        model = pending.pop()
        if model in seen:
            continue
        seen.append(model)
        for info in model.model_fields.values():
            pending.extend(_models(info.annotation))
    return seen


def _spec_keys() -> dict[str, list[str]]:
    """Every key a spec can contain (aliases as written in YAML), with the models that have it."""
    keys: dict[str, list[str]] = {}
    for model in _all_models():
        for name, info in model.model_fields.items():
            keys.setdefault(info.alias or name, []).append(model.__name__)
    return keys


def _values(annotation: object) -> Iterator[str]:
    """Every enum member and literal reachable from an annotation, as written in YAML."""
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        yield from (str(member.value) for member in annotation)
        return
    if typing.get_origin(annotation) is typing.Literal:
        yield from (str(value) for value in typing.get_args(annotation))
        return
    for argument in typing.get_args(annotation):
        yield from _values(argument)


def test_walk_finds_the_whole_model() -> None:
    keys = _spec_keys()
    assert {"spec_version", "policy", "purposes", "unstated"} <= keys.keys()
    assert {"zh-CN", "separate_consent", "legal_basis", "offered", "guardian_consent_under"} <= keys.keys()


def test_every_key_is_documented(doc: str) -> None:
    documented = _backticked(doc)
    missing = {key: owners for key, owners in _spec_keys().items() if key not in documented}
    assert not missing, (
        "docs/spec.md does not mention these spec keys (in backticks), by the models that have them: "
        f"{missing}. Document each in its section's table."
    )


def test_every_allowed_value_is_documented(doc: str) -> None:
    documented = _backticked(doc)
    missing: dict[str, list[str]] = {}
    for model in _all_models():
        for name, info in model.model_fields.items():
            for value in _values(info.annotation):
                if value not in documented:
                    missing.setdefault(value, []).append(f"{model.__name__}.{info.alias or name}")
    assert not missing, (
        f"docs/spec.md does not list these allowed values (in backticks): {missing}. "
        "Add each to the Values column of its key."
    )


# --------------------------------------------------------------------------- every problem code


class _CodeCollector(ast.NodeVisitor):
    """The code strings passed to the calls that create problems, and any code that is not a literal."""

    def __init__(self) -> None:
        self.codes: set[str] = set()
        self.not_literal: list[int] = []
        self._functions: list[str] = []

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self._functions.append(node.name)
        self.generic_visit(node)
        self._functions.pop()

    def visit_Call(self, node: ast.Call) -> None:
        name = node.func.id if isinstance(node.func, ast.Name) else None
        if name in CODE_ARGUMENT:
            index = CODE_ARGUMENT[name]
            argument = node.args[index] if len(node.args) > index else None
            argument = argument or next((k.value for k in node.keywords if k.arg == "code"), None)
            if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                self.codes.add(argument.value)
            elif not (self._functions and self._functions[-1] in FORWARDING_HELPERS):
                self.not_literal.append(node.lineno)
        self.generic_visit(node)


def _problem_codes(module: ModuleType) -> set[str]:
    source = Path(typing.cast("str", module.__file__)).read_text(encoding="utf-8")
    collector = _CodeCollector()
    collector.visit(ast.parse(source))
    assert not collector.not_literal, (
        f"{module.__name__} passes a problem code that is not a string literal (lines {collector.not_literal}); "
        "this test can only find literal codes"
    )
    return collector.codes


@pytest.fixture(scope="module")
def source_codes() -> set[str]:
    codes = _problem_codes(load_module) | _problem_codes(check_module)
    assert {"unknown_key", "missing_retention", "field_not_declared", "right_not_offered", "no_english"} <= codes
    return codes


def _problems_section(text: str) -> str:
    start = text.index(PROBLEMS_SECTION)
    end = text.find("\n## ", start + len(PROBLEMS_SECTION))
    return text[start : end if end != -1 else len(text)]


def test_every_problem_code_is_documented(doc: str, source_codes: set[str]) -> None:
    documented = set(re.findall(r"^\| `([a-z0-9_]+)` \|", _problems_section(doc), re.MULTILINE))
    missing = sorted(source_codes - documented)
    assert not missing, (
        f"check.py or load.py can report {missing}, which the tables under '{PROBLEMS_SECTION}' in "
        "docs/spec.md do not list: add a row with its meaning and the law it cites."
    )


def test_no_documented_problem_code_is_stale(doc: str, source_codes: set[str]) -> None:
    documented = set(re.findall(r"^\| `([a-z0-9_]+)` \|", _problems_section(doc), re.MULTILINE))
    stale = sorted(documented - source_codes)
    assert not stale, f"docs/spec.md lists problem codes that check.py and load.py no longer report: {stale}"


# --------------------------------------------------------------------------- links, commands and the schema


def _slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_every_internal_link_has_a_target(doc: str) -> None:
    anchors = {_slug(h) for h in re.findall(r"^#{1,6} (.+)$", doc, re.MULTILINE)}
    broken = sorted(set(re.findall(r"\]\(#([^)]+)\)", doc)) - anchors)
    assert not broken, f"docs/spec.md links to headings that do not exist: {broken}"


def _command_lines(text: str) -> Iterator[str]:
    yield from re.findall(r"`(yinsi [^`\n]+)`", text)
    for block in re.findall(r"^[ \t]*```sh\n(.*?)^[ \t]*```", text, re.MULTILINE | re.DOTALL):
        yield from (line.strip() for line in block.splitlines() if line.strip().startswith("yinsi "))


def test_every_documented_command_exists(doc: str) -> None:
    root = typer.main.get_command(app)
    lines = list(_command_lines(doc))
    assert any(line.startswith("yinsi policy check") for line in lines)
    unknown = []
    for line in lines:
        command = root
        for word in line.split()[1:]:
            # Typer's groups are not click.Group subclasses; what makes a group is its sub-commands.
            subcommands = getattr(command, "commands", None)
            if subcommands is None or word.startswith("-"):
                break
            if word not in subcommands:
                unknown.append(line)
                break
            command = subcommands[word]
    assert not unknown, f"docs/spec.md shows commands yinsi does not have: {unknown}"


def test_schema_file_is_current() -> None:
    result = CliRunner().invoke(app, ["policy", "schema"])
    assert result.exit_code == 0, result.output
    assert SCHEMA_FILE.exists(), f"docs/policy-spec.schema.json is missing: write it with `{REGENERATE_SCHEMA}`"
    assert SCHEMA_FILE.read_text(encoding="utf-8") == result.stdout, (
        f"docs/policy-spec.schema.json is not the current `yinsi policy schema` output; regenerate it with "
        f"`{REGENERATE_SCHEMA}` (and document any new key in docs/spec.md)"
    )
