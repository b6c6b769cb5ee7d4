"""``yinsi check``: where the operator stands against PIPL, requirement by requirement.

Thin: the spec checks are ``core.policy.compliance``, the store checks ``services.compliance``; this module
picks the spec (``--policy FILE``, else the version in force in the store), runs both, and prints the report.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from yinsi.cli.context import NoStore, default_lang, err, out, state
from yinsi.core.policy.compliance import ComplianceReport, compliance_report
from yinsi.core.policy.load import LoadResult, load_policy_file


class CheckFormat(StrEnum):
    TEXT = "text"
    JSON = "json"
    SARIF = "sarif"


def check(
    ctx: typer.Context,
    policy: Annotated[
        Path | None,
        typer.Option("--policy", help="The spec to check; default: the version in force in the store."),
    ] = None,
    fmt: Annotated[CheckFormat, typer.Option("--format", help="Text, JSON (plain data) or SARIF 2.1.0.")] = (
        CheckFormat.TEXT
    ),
    lang: Annotated[str | None, typer.Option("--lang", help="zh-CN (default, or YINSI_LANG) or en.")] = None,
) -> None:
    """Check the spec and, when a store is configured, the running system against the numbered requirements
    (CON-01 …): each finding pass, warn, fail or not applicable, with its evidence. Exit 1 on any failure."""
    language = "en" if (lang or default_lang()).lower().startswith("en") else "zh-CN"
    try:
        settings = state(ctx).settings()
    except NoStore:
        settings = None
    if policy is None and settings is None:
        err.print(
            "yinsi: 没有可检查的政策：请用 --policy 指定规范文件，或配置存储（--data-dir、--database-url）。"
            if language == "zh-CN"
            else "yinsi: nothing to check: give a spec with --policy FILE, or configure a store "
            "(--data-dir, --database-url).",
            markup=False,
        )
        raise typer.Exit(2)
    given: LoadResult | None = load_policy_file(policy) if policy is not None else None
    report: ComplianceReport | None
    if settings is None:
        report = compliance_report(given) if given is not None else None
    else:
        from yinsi.bootstrap import open_yinsi
        from yinsi.core.policy.compiled import CompiledPolicy
        from yinsi.services.compliance import file_findings

        # A spec given here is pinned, so that opening the store never publishes anything (YINSI_POLICY would).
        pinned = CompiledPolicy.from_spec(given.spec) if given is not None and given.spec is not None else None
        files = file_findings(settings)  # as found: opening a SQLite store makes its files the owner's alone
        with open_yinsi(settings, migrate=False, policy=pinned) as yinsi:
            report = yinsi.services.compliance.store_report(given=given, files=files)
    if report is None:
        err.print(
            "yinsi: 存储中还没有发布的政策；请用 --policy 指定规范文件。"
            if language == "zh-CN"
            else "yinsi: no policy is published in the store; give a spec with --policy FILE.",
            markup=False,
        )
        raise typer.Exit(2)
    if fmt is CheckFormat.JSON:
        sys.stdout.write(json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n")
    elif fmt is CheckFormat.SARIF:
        sys.stdout.write(json.dumps(report.to_sarif(), ensure_ascii=False, indent=2) + "\n")
    else:
        for line in report.to_text(language):
            out.print(line, markup=False, emoji=False)
    raise typer.Exit(report.exit_code)
