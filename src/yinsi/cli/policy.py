"""``yinsi policy``: check, render, compare and publish policy specs."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from yinsi.cli.context import default_lang, err, out
from yinsi.core.policy.diff import EXIT_INVALID, diff_policies
from yinsi.core.policy.load import LoadResult, load_policy_file
from yinsi.core.policy.model import PolicySpec
from yinsi.core.policy.problems import Severity
from yinsi.core.policy.render import render_policy

app = typer.Typer(help="Check, render, compare and publish policy specs.", no_args_is_help=True)


class RenderLang(StrEnum):
    ZH_CN = "zh-CN"
    ZH_TW = "zh-TW"
    EN = "en"


class RenderFormat(StrEnum):
    MD = "md"
    HTML = "html"


class DiffFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


LangOption = Annotated[
    str | None, typer.Option("--lang", help="Language of messages: zh-CN (default, or YINSI_LANG) or en.")
]


def _printable(line: str) -> str:
    """A line as shown: control characters from a spec (an escape sequence in a key) never reach the terminal."""
    return "".join(
        c if c.isprintable() else c.encode("unicode_escape", "backslashreplace").decode("ascii") for c in line
    )


def _lang(value: str | None) -> str:
    if value is None:
        return default_lang()
    return "en" if value.lower().startswith("en") else "zh-CN"


@app.command("check")
def check(
    files: Annotated[list[Path], typer.Argument(help="Spec files to check.", show_default=False)],
    strict: Annotated[bool, typer.Option("--strict", help="Treat compliance warnings as errors.")] = False,
    lang: LangOption = None,
) -> None:
    """Validate specs: one line per problem as FILE:LINE:COL; exit 1 on errors (or warnings with --strict)."""
    language = _lang(lang)
    errors = warnings = 0
    for path in files:
        result = load_policy_file(path)
        for problem in result.problems:
            shown = problem.as_error() if strict and problem.severity is Severity.WARNING else problem
            out.print(_printable(shown.format(language)), markup=False, emoji=False)
            if shown.severity is Severity.ERROR:
                errors += 1
            else:
                warnings += 1
    summary = (
        f"{len(files)} 个文件：{errors} 个错误，{warnings} 个警告"
        if language == "zh-CN"
        else f"{len(files)} file(s): {errors} error(s), {warnings} warning(s)"
    )
    err.print(summary, markup=False, emoji=False)
    raise typer.Exit(1 if errors else 0)


@app.command("schema")
def schema() -> None:
    """Print the JSON Schema of the spec, for editors to complete and validate specs."""
    document = PolicySpec.model_json_schema(by_alias=True)
    document = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://yinsi.invalid/schema/policy-spec-v1.json",
        **document,
    }
    sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n")


def _load_or_exit(path: Path, language: str, code: int) -> PolicySpec:
    result: LoadResult = load_policy_file(path)
    if result.spec is None:
        for problem in result.errors:
            err.print(_printable(problem.format(language)), markup=False, emoji=False)
        raise typer.Exit(code)
    return result.spec


@app.command("render")
def render(
    file: Annotated[Path, typer.Argument(help="The spec to render.", show_default=False)],
    lang: Annotated[RenderLang, typer.Option("--lang", help="Language of the policy text.")] = RenderLang.ZH_CN,
    fmt: Annotated[RenderFormat, typer.Option("--format", help="Markdown or a standalone HTML page.")] = (
        RenderFormat.MD
    ),
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here instead of standard output.")
    ] = None,
) -> None:
    """Render the published privacy policy from a spec (the same spec always gives the same bytes)."""
    spec = _load_or_exit(file, default_lang(), 1)
    text = render_policy(spec, lang.value, fmt.value)
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")


@app.command("diff")
def diff(
    old: Annotated[Path, typer.Argument(help="The spec in force.", show_default=False)],
    new: Annotated[Path, typer.Argument(help="The proposed spec.", show_default=False)],
    fmt: Annotated[DiffFormat, typer.Option("--format", help="Human-readable text or JSON.")] = DiffFormat.TEXT,
    lang: LangOption = None,
) -> None:
    """List every change, each material (naming which of the six kinds) or minor.

    Exit codes: 0 no change, 1 minor changes only, 2 at least one material change, 3 a spec is invalid.
    """
    language = _lang(lang)
    before = _load_or_exit(old, language, EXIT_INVALID)
    after = _load_or_exit(new, language, EXIT_INVALID)
    result = diff_policies(before, after)
    if result.unrelated is not None:
        prefix = "警告：" if language == "zh-CN" else "warning: "
        err.print(_printable(prefix + result.unrelated.get(language)), markup=False, emoji=False)
    if fmt is DiffFormat.JSON:
        document = {
            "status": result.status.value,
            "unrelated": (
                {"zh-CN": result.unrelated.zh, "en": result.unrelated.en} if result.unrelated is not None else None
            ),
            "material_kinds": [k.value for k in result.material_kinds],
            "changes": [
                {
                    "path": list(c.path),
                    "change": c.change,
                    "material": c.kind.value if c.kind is not None else None,
                    "summary": {"zh-CN": c.summary.zh, "en": c.summary.en},
                }
                for c in result.changes
            ],
        }
        sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
    else:
        for change in result.changes:
            tag = f"material:{change.kind.value}" if change.kind is not None else "minor"
            line = f"[{tag}] {'.'.join(map(str, change.path))}: {change.summary.get(language)}"
            out.print(_printable(line), markup=False, emoji=False)
        if language == "zh-CN":
            summary = {"none": "没有变更", "minor": "只有一般变更", "material": "包含重大变更"}[result.status.value]
            summary = f"{len(result.changes)} 处变更：{summary}"
        else:
            summary = {"none": "no changes", "minor": "minor changes only", "material": "material changes"}[
                result.status.value
            ]
            summary = f"{len(result.changes)} change(s): {summary}"
        err.print(summary, markup=False, emoji=False)
    raise typer.Exit(result.exit_code)
