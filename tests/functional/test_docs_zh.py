"""docs/zh-CN/ (the quick start and the guide to writing the spec) and docs/privacy-centre.md are contracts too:
the same checks as the English docs (the example loads without a warning, every section of the spec is named,
every command and option exists, every link has a target)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer

from tests.functional.test_docs_api import _anchors, _check_command, _command_lines
from yinsi.cli.main import app as cli_app
from yinsi.core.policy.load import load_policy_text
from yinsi.core.policy.model import PolicySpec
from yinsi.web.demo import DEMO_PHONE

ROOT = Path(__file__).resolve().parents[2]
ZH = ROOT / "docs" / "zh-CN"
SPEC_GUIDE = ZH / "spec.md"
QUICKSTART = ZH / "quickstart.md"
CENTRE = ROOT / "docs" / "privacy-centre.md"
DOCS = [SPEC_GUIDE, QUICKSTART, CENTRE]


def test_the_annotated_example_loads_without_errors_or_warnings() -> None:
    text = SPEC_GUIDE.read_text(encoding="utf-8")
    found = re.search(r"```yaml\n(.*?)```", text, re.DOTALL)
    assert found is not None, "docs/zh-CN/spec.md has no ```yaml example"
    result = load_policy_text(found.group(1), "docs/zh-CN/spec.md")
    assert result.spec is not None, [p.format("zh-CN") for p in result.errors]
    assert result.errors == [], [p.format("zh-CN") for p in result.errors]


def test_every_section_of_the_spec_is_in_the_guide() -> None:
    named = set(re.findall(r"`([a-z_]+)`", SPEC_GUIDE.read_text(encoding="utf-8")))
    sections = {field.alias or name for name, field in PolicySpec.model_fields.items()}
    missing = sorted(sections - named)
    assert not missing, f"docs/zh-CN/spec.md does not name these sections of the spec: {missing}"


@pytest.mark.parametrize("doc_file", DOCS, ids=lambda p: p.name)
def test_every_command_exists(doc_file: Path) -> None:
    root = typer.main.get_command(cli_app)
    lines = list(_command_lines(doc_file.read_text(encoding="utf-8")))
    problems = [f"{line!r}: {problem}" for line in lines for _, problem in [_check_command(root, line)] if problem]
    assert not problems, f"{doc_file.name} shows commands yinsi does not have:\n" + "\n".join(problems)


@pytest.mark.parametrize("doc_file", DOCS, ids=lambda p: p.name)
def test_every_link_has_a_target(doc_file: Path) -> None:
    broken = []
    for target in re.findall(r"\]\(([^)\s]+)\)", doc_file.read_text(encoding="utf-8")):
        if re.match(r"^[a-z]+://", target):
            continue
        file_part, _, anchor = target.partition("#")
        linked = (doc_file.parent / file_part) if file_part else doc_file
        if not linked.is_file() or (anchor and linked.suffix == ".md" and anchor not in _anchors(linked)):
            broken.append(target)
    assert not broken, f"{doc_file.name} links to files or headings that do not exist: {broken}"


def test_the_quick_starts_say_what_make_run_prints() -> None:
    """The demo phone number and the way to read its SMS codes, as `yinsi serve --demo` prints them."""
    from yinsi.cli.serve_cmd import _demo_lines
    from yinsi.config import Settings

    printed = "\n".join(_demo_lines(Settings(), "http://127.0.0.1:8000", ("a-password", "SECRET")))
    for doc_file in (QUICKSTART, ROOT / "README.md", CENTRE):
        text = doc_file.read_text(encoding="utf-8")
        assert DEMO_PHONE in text, doc_file.name
        assert "make run" in text or doc_file is CENTRE
    assert f"outbox --to {DEMO_PHONE}" in printed
    assert f"outbox --to {DEMO_PHONE}" in QUICKSTART.read_text(encoding="utf-8")
    assert "/me" in printed
