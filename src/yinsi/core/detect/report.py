"""A scan's findings as text, JSON, a standalone HTML page, and a draft ``fields:`` block for the spec.

Every output holds only masked examples. The draft is the start of a spec,
not a spec: field ids come from table and column names, each field's type,
category and sensitivity from what was found (sensitivity after GB/T
35273-2020 Appendix B), and sensitive fields carry commented-out
``necessity`` and ``impact`` lines for the privacy officer to write. Pasted
into a spec whose purposes list the fields, it passes ``yinsi policy check``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from yinsi.core.detect.kinds import KINDS
from yinsi.core.detect.profile import Profile
from yinsi.core.policy.vocabulary import Category, FieldType, Sensitivity

__all__ = ["ScanReport", "field_id"]

_NOT_ID = re.compile(r"[^a-z0-9_]+")
_MAX_ID = 64


@dataclass
class ScanReport:
    source: str  # what was scanned, with any password removed
    sample: int | None  # rows sampled per table, None for files read whole
    profiles: list[Profile]
    started: datetime
    skipped: list[str] = field(default_factory=list)  # tables, columns or files not read, and why

    @property
    def with_pi(self) -> list[Profile]:
        return [p for p in self.profiles if p.findings]

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "started": self.started.isoformat(),
            "sample_rows": self.sample,
            "skipped": self.skipped,
            "columns": [
                {
                    "source": p.source,
                    "name": p.name,
                    "values_sampled": p.sampled,
                    "sensitivity": p.sensitivity.value if p.sensitivity else None,
                    "field_type": p.field_type.value if p.field_type else None,
                    "findings": [
                        {
                            "type": f.type.value,
                            "label": {"zh-CN": KINDS[f.type].label.zh, "en": KINDS[f.type].label.en},
                            "values": f.values,
                            "share": round(p.share(f), 4),
                            "whole_values": f.whole,
                            "occurrences": f.occurrences,
                            "confidence": round(f.confidence, 3),
                            "sensitivity": KINDS[f.type].sensitivity.value,
                            "examples_masked": f.examples,
                        }
                        for f in p.findings
                    ],
                }
                for p in self.profiles
            ],
        }

    def text_lines(self) -> list[str]:
        lines = [f"扫描 Scan: {self.source}  ({len(self.with_pi)} / {len(self.profiles)} 含个人信息 with PI)"]
        for p in self.with_pi:
            sensitive = "敏感 sensitive" if p.sensitivity is Sensitivity.SENSITIVE else "一般 general"
            lines.append(f"{p.name}  [{sensitive}; {p.sampled} values]")
            for f in p.findings:
                kind = KINDS[f.type]
                examples = ", ".join(f.examples)
                lines.append(
                    f"  {kind.label.zh} {f.type.value}: {f.values}/{p.sampled} ({p.share(f):.0%}), "
                    f"confidence {f.confidence:.2f}; e.g. {examples}"
                )
        lines.extend(f"skipped: {reason}" for reason in self.skipped)
        return lines

    def html(self) -> str:
        env = Environment(
            loader=PackageLoader("yinsi.core.detect", "templates"),
            autoescape=select_autoescape(["html", "j2"]),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        return env.get_template("scan.html.j2").render(
            report=self, kinds=KINDS, sensitive=Sensitivity.SENSITIVE, draft=self.draft_fields()
        )

    def draft_fields(self) -> str:
        """The ``fields:`` block of a spec for every column or file where PI was found."""
        out = [
            "# Draft from yinsi scan: review every field, name the purposes that collect it, and write",
            "# necessity and impact for the sensitive ones (PIPL Art. 30) before you publish.",
            "fields:",
        ]
        taken: set[str] = set()
        for p in self.with_pi:
            fid = field_id(p.name, taken)
            taken.add(fid)
            field_type = p.field_type or FieldType.FREE_TEXT
            main = p.main_type
            if main is not None:
                kind = KINDS[main]
                label = {"zh-CN": kind.label.zh, "en": kind.label.en}
                category = kind.category
            else:
                label = {"zh-CN": f"{p.name} 中的文本", "en": f"Text in {p.name}"}
                category = KINDS[p.findings[0].type].category if p.findings else Category.OTHER
            found = ", ".join(f"{KINDS[f.type].label.en} {p.share(f):.0%}" for f in p.findings)
            out.append(f"  {fid}:  # {_comment(p.name)}: {found} of {p.sampled} values")
            out.append(f"    type: {field_type.value}")
            out.append(f"    label: {{zh-CN: {_quoted(label['zh-CN'])}, en: {_quoted(label['en'])}}}")
            out.append(f"    category: {category.value}")
            if p.sensitivity is Sensitivity.SENSITIVE:
                out.append("    sensitivity: sensitive  # GB/T 35273-2020 Appendix B")
                out.append("    # necessity: {zh-CN: 为什么必需, en: Why it is necessary}")
                out.append("    # impact: {zh-CN: 对个人权益的影响, en: Its impact on the person}")
        if len(out) == 3:
            out[-1] = "fields: {}  # no personal information was found"
        return "\n".join(out) + "\n"


def field_id(name: str, taken: set[str]) -> str:
    """A spec identifier for a column (``customers.mobile`` → ``customers_mobile``), unique among ``taken``."""
    base = _NOT_ID.sub("_", name.lower()).strip("_")
    if not base or not base[0].isalpha():
        base = f"field_{base}".rstrip("_")
    base = base[:_MAX_ID]
    candidate, n = base, 2
    while candidate in taken:
        suffix = f"_{n}"
        candidate = base[: _MAX_ID - len(suffix)] + suffix
        n += 1
    return candidate


def _quoted(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid double-quoted YAML scalar


def _comment(text: str) -> str:
    return " ".join(text.split())
