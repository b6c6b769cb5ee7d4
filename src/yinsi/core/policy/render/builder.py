"""The words of a rendering: what every chapter uses to turn spec values into sentences in one language."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from yinsi.core.i18n import Msg
from yinsi.core.policy import labels, law
from yinsi.core.policy.model import PolicySpec, Recipient
from yinsi.core.policy.render.document import Block, Bullets, Inline, Paragraph, Run
from yinsi.core.policy.types import Duration, LocalText
from yinsi.core.policy.vocabulary import (
    OpenListKind,
    Right,
    Sensitivity,
)

TERMINAL = "。！？；：….!?;:"


CLOSERS = "）」』”’)\"'"


DOUBLE_STOP = re.compile(r"(?<!\.)\.\.(?!\.)")


FULLWIDTH_PUNCT = "，。；：、！？（）“”‘’《》「」"


PUNCT_GAP = re.compile(rf" +(?=[{FULLWIDTH_PUNCT}])|(?<=[{FULLWIDTH_PUNCT}]) +")


def runs(*parts: str | Run) -> Inline:
    return tuple(
        part if isinstance(part, Run) else Run(part) for part in parts if (part.text if isinstance(part, Run) else part)
    )


def para(*parts: str | Run, note: bool = False) -> Paragraph:
    return Paragraph(runs(*parts), note)


def bullets(items: Sequence[str | Inline]) -> Bullets:
    return Bullets(tuple(runs(item) if isinstance(item, str) else item for item in items))


ZH_DIGITS = "零一二三四五六七八九"


def zh_number(n: int) -> str:
    """1 → 一, 12 → 十二, 20 → 二十 (section numbers never pass 99)."""
    tens, units = divmod(n, 10)
    if tens == 0:
        return ZH_DIGITS[units]
    head = "" if tens == 1 else ZH_DIGITS[tens]
    return f"{head}十{ZH_DIGITS[units] if units else ''}"


@dataclass
class Draft:
    """A section before numbering: numbers depend on which optional subsections exist."""

    anchor: str
    title: Msg
    blocks: list[Block]
    children: list[Draft] = dataclasses.field(default_factory=list)


# Rights no law grants (leaving a membership) are shown only when a policy offers them;
# every statutory right is always shown, as offered, refused or unstated.
OPTIONAL_RIGHTS = frozenset({Right.LEAVE_MEMBERSHIP, Right.AUTOMATED_DECISION})


MAIN_ANCHORS: tuple[str, ...] = (
    "collect",
    "cookies",
    "sharing",
    "storage",
    "rights",
    "minors",
    "cross-border",
    "changes",
    "contact",
)


class Builder:
    """Turns a spec into a ``Document`` in one language; zh-TW is built as zh-CN and converted afterwards."""

    def __init__(self, spec: PolicySpec, lang: str) -> None:
        self.spec = spec
        self.lang = lang
        self.en = lang == "en"

    def t(self, msg: Msg, **values: str) -> str:
        text = msg.get(self.lang)
        if not values:
            return text
        if self.en:
            # A value ending in a full stop ("Co., Ltd.") must not double the sentence's own.
            return DOUBLE_STOP.sub(".", text.format(**values))
        # Chinese typography sets numbers off from Chinese characters by a space
        # ("在 15 个工作日内"), but not from full-width punctuation.
        spaced = {key: labels.pad_digits(value) for key, value in values.items()}
        return PUNCT_GAP.sub("", text.format(**spaced)).strip()

    def label(self, text: LocalText) -> str:
        """A short text from the spec (a label or name), kept exactly as written apart from line breaks."""
        return labels.one_line(text.get(self.lang))

    def prose(self, text: LocalText) -> str:
        """A longer text from the spec; YAML folding leaves spaces between Chinese characters, which go."""
        return labels.prose(text.get(self.lang))

    def enum(self, value: Any) -> str:
        return labels.label(value, self.lang)

    def dur(self, period: Duration) -> str:
        return labels.duration(period, self.lang)

    def join(self, items: Sequence[str], conj: Literal["and", "or"] | None = None) -> str:
        return labels.join(items, self.lang, conj)

    def paren(self, text: str) -> str:
        return f" ({text})" if self.en else f"（{text}）"

    def sentence(self, text: str) -> str:
        """``text`` ending in punctuation, so another sentence can follow it."""
        if not text or text[-1] in TERMINAL or (text[-1] in CLOSERS and text[-2:-1] in tuple(TERMINAL)):
            return text
        return text + self.t(labels.SENTENCE_END)

    def sentences(self, parts: Sequence[str]) -> str:
        parts = [self.sentence(p) for p in parts if p]
        return (" " if self.en else "").join(parts)

    def clause(self, text: str) -> str:
        """``text`` without its full stop, to be joined with others by semicolons."""
        if text.endswith("。") or (text.endswith(".") and not text.endswith("..")):
            return text[:-1]
        return text

    def joined(self, parts: Sequence[str]) -> str:
        """Parts joined by semicolons; trim the full stops of prose parts with ``clause`` first."""
        kept = [p for p in parts if p]
        if self.en:
            kept = kept[:1] + [p[0].lower() + p[1:] if p[1:2].islower() else p for p in kept[1:]]
        return self.t(labels.CLAUSE_SEP).join(kept)

    def clauses(self, parts: Sequence[str]) -> str:
        return self.sentence(self.joined(parts))

    def enumerated(self, items: Sequence[str]) -> Bullets:
        """A list that continues a sentence, punctuated as legal text is: "；" after each item, "。" after the last."""
        out = []
        for i, raw in enumerate(items):
            item = self.clause(raw).rstrip("；;")
            if self.en and item[:1].isupper() and not item[:2].isupper():
                item = item[0].lower() + item[1:]
            end = self.t(labels.SENTENCE_END) if i == len(items) - 1 else self.t(labels.CLAUSE_SEP).strip()
            out.append(item + end)
        return bullets(out)

    def capital(self, text: str) -> str:
        """English table cells start with a capital, as the labels beside them do."""
        return text[:1].upper() + text[1:] if self.en else text

    def cell(self, text: str) -> Inline:
        return runs(text or "—")

    def separate_consent(self, articles: tuple[law.Article, ...], asked: bool, on_consent: bool = True) -> Inline:
        """The separate-consent cell: what the law requires comes first, whatever the spec says, so no rendering
        prints "not required" where the law requires it; silence about asking it is said plainly."""
        if articles:
            msg = labels.NEEDED_BY_LAW if asked else labels.NEEDED_BY_LAW_UNASKED
            return runs(self.t(msg, law=law.names(articles, self.lang)))
        if asked:
            return runs(self.t(labels.NEEDED))
        if not on_consent:
            return runs(self.t(labels.NOT_APPLICABLE_NO_CONSENT))
        return runs(self.t(labels.NOT_NEEDED))

    def open_lists(self, *kinds: OpenListKind) -> list[Block]:
        return [
            para(self.t(labels.OPEN_LIST, what=self.enum(o.what), how=self.enum(o.how)), note=True)
            for o in self.spec.open_lists
            if o.what in kinds
        ]

    def stated_yes_no(self, model: Recipient, key: str) -> Inline:
        """Yes or no where the spec says so; a key left out is the policy's silence, not a "no"."""
        if key not in model.model_fields_set:
            return runs(self.t(labels.NOT_STATED))
        return self.yes_no(bool(getattr(model, key)))

    def yes_no(self, flag: bool) -> Inline:
        return runs(self.t(labels.YES if flag else labels.NO))

    def purpose_label(self, pid: str) -> str:
        purpose = self.spec.purposes.get(pid)
        return self.label(purpose.label) if purpose is not None else pid

    def join_runs(self, parts: Sequence[Inline]) -> Inline:
        sep = Run(", " if self.en else "、")
        out: list[Run] = []
        for i, part in enumerate(parts):
            if i:
                out.append(sep)
            out.extend(part)
        return tuple(out)

    def fields_runs(self, ids: Sequence[str]) -> Inline:
        """Field labels, sensitive ones in bold and marked, so the mark survives where bold does not."""
        parts: list[Inline] = []
        for fid in ids:
            field = self.spec.fields.get(fid)
            if field is None:
                parts.append((Run(fid),))
            elif field.sensitivity is Sensitivity.SENSITIVE:
                parts.append((Run(self.label(field.label), strong=True), Run(self.t(labels.SENSITIVE_MARK))))
            else:
                parts.append((Run(self.label(field.label)),))
        return self.join_runs(parts) if parts else runs("—")

    def section_title(self, index: int, msg: Msg) -> str:
        return f"{index}. {self.t(msg)}" if self.en else f"{zh_number(index)}、{self.t(msg)}"

    def ref(self, anchor: str) -> Run:
        """A cross-reference to a numbered section, as a link in HTML."""
        index = MAIN_ANCHORS.index(anchor)
        title = self.section_title(index + 1, labels.MAIN_SECTIONS[index])
        if self.en:
            return Run(f"section {index + 1} ({self.t(labels.MAIN_SECTIONS[index])})", href=anchor)
        return Run(f"“{title}”", href=anchor)

    def deadline(self, period: Duration) -> str:
        verification = self.spec.requests.identity_verification
        msg = {True: labels.DEADLINE_AFTER_VERIFIED, False: labels.DEADLINE_AFTER_RECEIPT, None: labels.DEADLINE_PLAIN}[
            verification
        ]
        return self.t(msg, period=self.dur(period))

    def stored_in(self) -> str:
        region = self.spec.storage.region
        if region is None:
            return self.t(labels.STORAGE_REGION_UNSTATED)
        return self.t(labels.STORAGE_REGION, region=labels.region(region, self.lang))

    def recipient_region(self, recipient: Recipient) -> str:
        """Where a recipient is; one the spec does not place is where the operator stores PI."""
        region = recipient.region or self.spec.storage.region
        return labels.region(region, self.lang) if region is not None else self.t(labels.NOT_STATED)
