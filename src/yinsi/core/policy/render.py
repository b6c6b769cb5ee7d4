"""Renders a policy spec as the privacy policy people read: Markdown or a standalone HTML page.

Rendering happens in two steps. First the spec becomes a *document* in one
language: titled sections of paragraphs, bullet lists, label/value facts and
tables, with every word taken from the spec or from ``labels``. Then one
Jinja2 template per format lays that document out. Keeping the content out of
the templates means the Markdown and the HTML say exactly the same thing, and
each template only has to care about layout and escaping.

The sections follow GB/T 35273-2020 Appendix D (NOT-11) and are always all
present, so a reader (or a regulator's checklist) finds each topic in the same
place in every policy. Where the spec is silent, the text says so instead of
filling the gap with a promise the operator never made; above all a right
that is missing or ``unstated`` is never described as offered.

Traditional Chinese is the Simplified rendering converted with OpenCC, string
by string on the finished document, so that no hand-made character table can
drift from the source text and the markup is never touched by the converter.

Output is a pure function of the spec: no clock, no locale, no hash-ordered
iteration (the spec's dicts keep their YAML order), so the same spec always
gives the same bytes and a published version can be verified by re-rendering.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Literal, TypeVar, cast

import opencc
from jinja2 import Environment, PackageLoader, StrictUndefined, Template, select_autoescape

from yinsi.core.i18n import Msg
from yinsi.core.policy import labels as L
from yinsi.core.policy.model import PolicySpec, Purpose, Recipient, Retention, RightSpec
from yinsi.core.policy.types import Duration, LocalText
from yinsi.core.policy.vocabulary import (
    CrossBorderRule,
    ExternalRemedy,
    MinorsRule,
    RecipientKind,
    RetentionStart,
    Right,
    Sensitivity,
)

__all__ = ["RenderFormat", "RenderLang", "escape_markdown", "render_policy"]

RenderLang = Literal["zh-CN", "zh-TW", "en"]
RenderFormat = Literal["md", "html"]

_LANGS: tuple[str, ...] = ("zh-CN", "zh-TW", "en")
_FORMATS: tuple[str, ...] = ("md", "html")

# OpenCC configuration for zh-TW. "s2tw" converts characters and uses the
# Taiwan standard glyphs (台湾 → 臺灣, 里面 → 裡面) but keeps the words. "s2twp"
# would also rewrite phrases into Taiwanese usage, which corrupts this text: it
# turns 个人信息 into 個人資訊 and 个人信息保护法 into 個人資訊保護法 (no longer the
# statute's name, so a reader cannot look it up), and 注销账号 (cancel the
# account) into 登出賬號 (log out), which changes the meaning of a right. The
# policy is governed by PRC law, so its legal terms must stay recognisable.
OPENCC_CONFIG = "s2tw"

# --------------------------------------------------------------------------- the document


@dataclass(frozen=True, slots=True)
class Run:
    """A piece of inline text; ``href`` is an anchor inside the document, never an outside address."""

    text: str
    strong: bool = False
    href: str | None = None


Inline = tuple[Run, ...]


@dataclass(frozen=True, slots=True)
class Paragraph:
    kind: ClassVar[str] = "paragraph"
    content: Inline
    note: bool = False


@dataclass(frozen=True, slots=True)
class Bullets:
    kind: ClassVar[str] = "bullets"
    items: tuple[Inline, ...]


@dataclass(frozen=True, slots=True)
class Facts:
    """Label/value pairs: the policy's header, a right's details."""

    kind: ClassVar[str] = "facts"
    rows: tuple[tuple[str, Inline], ...]


@dataclass(frozen=True, slots=True)
class Table:
    kind: ClassVar[str] = "table"
    headers: tuple[str, ...]
    rows: tuple[tuple[Inline, ...], ...]


Block = Paragraph | Bullets | Facts | Table


@dataclass(frozen=True, slots=True)
class Section:
    anchor: str
    title: str
    blocks: tuple[Block, ...]
    children: tuple[Section, ...] = ()


@dataclass(frozen=True, slots=True)
class Document:
    lang: str
    title: str
    facts: Facts
    intro: tuple[Block, ...]
    preamble: tuple[Section, ...]
    toc_title: str
    sections: tuple[Section, ...]
    closing: tuple[Section, ...]
    colon: str


# --------------------------------------------------------------------------- public API


def render_policy(spec: PolicySpec, lang: RenderLang, fmt: RenderFormat) -> str:
    """The published policy text of ``spec`` in ``lang`` as Markdown (``md``) or a standalone HTML page."""
    if lang not in _LANGS:
        raise ValueError(f"unknown language {lang!r}: use one of {', '.join(_LANGS)}")
    if fmt not in _FORMATS:
        raise ValueError(f"unknown format {fmt!r}: use md or html")
    document = _Builder(spec, lang).document()
    if lang == "zh-TW":
        document = _map_text(document, _to_traditional)
    text = _template(fmt).render(doc=document)
    return _tidy(text, blank_lines=fmt == "md")


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")
_MD_ENTITY = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
_MD_ORDERED = re.compile(r"^(\d+)([.)])(?=\s|$)")
_MD_BLOCK_START = re.compile(r"^([#+=-])(?=\s|$|\1)")


def escape_markdown(text: str, line_start: bool = True) -> str:
    """``text`` made inert in Markdown: it can neither format, link, inject HTML nor break a table cell.

    Every ASCII punctuation that starts Markdown syntax is backslash-escaped
    (CommonMark renders ``\\x`` as ``x`` for any ASCII punctuation), and so
    is anything that would open a block at the start of a line (unless
    ``line_start`` is false: the text of a heading cannot open a block).
    """
    text = _MD_SPECIAL.sub(r"\\\1", text)
    text = _MD_ENTITY.sub(r"\\&", text)
    if not line_start:
        return text
    ordered = _MD_ORDERED.match(text)
    if ordered:
        return f"{ordered.group(1)}\\{text[len(ordered.group(1)) :]}"
    if _MD_BLOCK_START.match(text):
        return "\\" + text
    return text


# --------------------------------------------------------------------------- templates and text plumbing


@functools.cache
def _environment() -> Environment:
    # PackageLoader reads through importlib, so the templates are found in an
    # installed wheel as well as in the source tree. HTML templates autoescape;
    # the Markdown template escapes with its own filter instead, since HTML
    # entities would show up literally in Markdown table cells.
    env = Environment(
        loader=PackageLoader("yinsi.core.policy", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html.j2",), default_for_string=True, default=False),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["md"] = escape_markdown
    return env


def _template(fmt: str) -> Template:
    return _environment().get_template(f"policy.{fmt}.j2")


@functools.cache
def _converter() -> Any:
    return opencc.OpenCC(OPENCC_CONFIG)


def _to_traditional(text: str) -> str:
    return str(_converter().convert(text))


_T = TypeVar("_T")
_NOT_TEXT = frozenset({"anchor", "href", "lang"})


def _map_text(node: _T, convert: Callable[[str], str]) -> _T:
    """``node`` with ``convert`` applied to every human-readable string in it (not anchors or the language tag)."""
    if isinstance(node, str):
        return cast(_T, convert(node))
    if isinstance(node, tuple):
        return cast(_T, tuple(_map_text(item, convert) for item in node))
    if dataclasses.is_dataclass(node) and not isinstance(node, type):
        changes = {
            f.name: _map_text(getattr(node, f.name), convert)
            for f in dataclasses.fields(node)
            if f.name not in _NOT_TEXT
        }
        return cast(_T, dataclasses.replace(node, **changes))
    return node


_TRAILING_SPACE = re.compile(r"[ \t]+$", re.MULTILINE)
_BLANK_LINES = re.compile(r"\n{3,}")
_ANY_BLANK_LINES = re.compile(r"\n{2,}")


def _tidy(text: str, blank_lines: bool) -> str:
    """No trailing whitespace, exactly one final newline, and blank lines only where Markdown needs them."""
    text = _TRAILING_SPACE.sub("", text)
    text = _BLANK_LINES.sub("\n\n", text) if blank_lines else _ANY_BLANK_LINES.sub("\n", text)
    return text.strip("\n") + "\n"


_TERMINAL = "。！？；：….!?;:"
_CLOSERS = "）」』”’)\"'"


_DOUBLE_STOP = re.compile(r"(?<!\.)\.\.(?!\.)")
_FULLWIDTH_PUNCT = "，。；：、！？（）“”‘’《》「」"
_PUNCT_GAP = re.compile(rf" +(?=[{_FULLWIDTH_PUNCT}])|(?<=[{_FULLWIDTH_PUNCT}]) +")


def _runs(*parts: str | Run) -> Inline:
    return tuple(
        part if isinstance(part, Run) else Run(part) for part in parts if (part.text if isinstance(part, Run) else part)
    )


def _para(*parts: str | Run, note: bool = False) -> Paragraph:
    return Paragraph(_runs(*parts), note)


def _bullets(items: Sequence[str | Inline]) -> Bullets:
    return Bullets(tuple(_runs(item) if isinstance(item, str) else item for item in items))


_ZH_DIGITS = "零一二三四五六七八九"


def _zh_number(n: int) -> str:
    """1 → 一, 12 → 十二, 20 → 二十 (section numbers never pass 99)."""
    tens, units = divmod(n, 10)
    if tens == 0:
        return _ZH_DIGITS[units]
    head = "" if tens == 1 else _ZH_DIGITS[tens]
    return f"{head}十{_ZH_DIGITS[units] if units else ''}"


@dataclass
class _Draft:
    """A section before numbering: numbers depend on which optional subsections exist."""

    anchor: str
    title: Msg
    blocks: list[Block]
    children: list[_Draft] = dataclasses.field(default_factory=list)


# Rights no law grants (leaving a membership) are shown only when a policy offers them;
# every statutory right is always shown, as offered, refused or unstated.
_OPTIONAL_RIGHTS = frozenset({Right.LEAVE_MEMBERSHIP})

_MAIN_ANCHORS: tuple[str, ...] = (
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


# --------------------------------------------------------------------------- building the document


class _Builder:
    """Turns a spec into a ``Document`` in one language; zh-TW is built as zh-CN and converted afterwards."""

    def __init__(self, spec: PolicySpec, lang: str) -> None:
        self.spec = spec
        self.lang = lang
        self.en = lang == "en"

    # ---- words

    def t(self, msg: Msg, **values: str) -> str:
        text = msg.get(self.lang)
        if not values:
            return text
        if self.en:
            # A value ending in a full stop ("Co., Ltd.") must not double the sentence's own.
            return _DOUBLE_STOP.sub(".", text.format(**values))
        # Chinese typography sets numbers off from Chinese characters by a space
        # ("在 15 个工作日内"), but not from full-width punctuation.
        spaced = {key: L.pad_digits(value) for key, value in values.items()}
        return _PUNCT_GAP.sub("", text.format(**spaced)).strip()

    def label(self, text: LocalText) -> str:
        """A short text from the spec (a label or name), kept exactly as written apart from line breaks."""
        return L.one_line(text.get(self.lang))

    def prose(self, text: LocalText) -> str:
        """A longer text from the spec; YAML folding leaves spaces between Chinese characters, which go."""
        return L.prose(text.get(self.lang))

    def enum(self, value: Any) -> str:
        return L.label(value, self.lang)

    def dur(self, period: Duration) -> str:
        return L.duration(period, self.lang)

    def join(self, items: Sequence[str], conj: Literal["and", "or"] | None = None) -> str:
        return L.join(items, self.lang, conj)

    def paren(self, text: str) -> str:
        return f" ({text})" if self.en else f"（{text}）"

    def sentence(self, text: str) -> str:
        """``text`` ending in punctuation, so another sentence can follow it."""
        if not text or text[-1] in _TERMINAL or (text[-1] in _CLOSERS and text[-2:-1] in tuple(_TERMINAL)):
            return text
        return text + self.t(L.SENTENCE_END)

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
        return self.t(L.CLAUSE_SEP).join(kept)

    def clauses(self, parts: Sequence[str]) -> str:
        return self.sentence(self.joined(parts))

    def enumerated(self, items: Sequence[str]) -> Bullets:
        """A list that continues a sentence, punctuated as legal text is: "；" after each item, "。" after the last."""
        out = []
        for i, raw in enumerate(items):
            item = self.clause(raw).rstrip("；;")
            if self.en and item[:1].isupper() and not item[:2].isupper():
                item = item[0].lower() + item[1:]
            end = self.t(L.SENTENCE_END) if i == len(items) - 1 else self.t(L.CLAUSE_SEP).strip()
            out.append(item + end)
        return _bullets(out)

    def capital(self, text: str) -> str:
        """English table cells start with a capital, as the labels beside them do."""
        return text[:1].upper() + text[1:] if self.en else text

    def cell(self, text: str) -> Inline:
        return _runs(text or "—")

    def yes_no(self, flag: bool) -> Inline:
        return _runs(self.t(L.YES if flag else L.NO))

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
                parts.append((Run(self.label(field.label), strong=True), Run(self.t(L.SENSITIVE_MARK))))
            else:
                parts.append((Run(self.label(field.label)),))
        return self.join_runs(parts) if parts else _runs("—")

    def section_title(self, index: int, msg: Msg) -> str:
        return f"{index}. {self.t(msg)}" if self.en else f"{_zh_number(index)}、{self.t(msg)}"

    def ref(self, anchor: str) -> Run:
        """A cross-reference to a numbered section, as a link in HTML."""
        index = _MAIN_ANCHORS.index(anchor)
        title = self.section_title(index + 1, L.MAIN_SECTIONS[index])
        if self.en:
            return Run(f"section {index + 1} ({self.t(L.MAIN_SECTIONS[index])})", href=anchor)
        return Run(f"“{title}”", href=anchor)

    def deadline(self, period: Duration) -> str:
        verification = self.spec.requests.identity_verification
        msg = {True: L.DEADLINE_AFTER_VERIFIED, False: L.DEADLINE_AFTER_RECEIPT, None: L.DEADLINE_PLAIN}[verification]
        return self.t(msg, period=self.dur(period))

    def stored_in(self) -> str:
        region = self.spec.storage.region
        if region is None:
            return self.t(L.STORAGE_REGION_UNSTATED)
        return self.t(L.STORAGE_REGION, region=L.region(region, self.lang))

    def recipient_region(self, recipient: Recipient) -> str:
        """Where a recipient is; one the spec does not place is where the operator stores PI."""
        region = recipient.region or self.spec.storage.region
        return L.region(region, self.lang) if region is not None else self.t(L.NOT_STATED)

    # ---- the whole

    def document(self) -> Document:
        spec = self.spec
        drafts = [
            _Draft("collect", L.SEC_COLLECT, *self.collect()),
            _Draft("cookies", L.SEC_COOKIES, self.cookies()),
            _Draft("sharing", L.SEC_SHARING, *self.sharing()),
            _Draft("storage", L.SEC_STORAGE, *self.storage()),
            _Draft("rights", L.SEC_RIGHTS, *self.rights()),
            _Draft("minors", L.SEC_MINORS, self.minors()),
            _Draft("cross-border", L.SEC_CROSS_BORDER, self.cross_border()),
            _Draft("changes", L.SEC_CHANGES, self.changes()),
            _Draft("contact", L.SEC_CONTACT, self.contact()),
        ]
        closing: list[Section] = []
        if spec.scope.supplementary_notices:
            closing.append(Section("supplementary", self.t(L.SEC_SUPPLEMENTARY), tuple(self.supplementary())))
        if spec.unstated:
            blocks: tuple[Block, ...] = (
                _para(self.t(L.UNSTATED_INTRO)),
                _bullets([self.prose(item) for item in spec.unstated]),
            )
            closing.append(Section("unstated", self.t(L.SEC_UNSTATED), blocks))
        return Document(
            lang=self.lang,
            title=self.label(spec.policy.title),
            facts=self.facts(),
            intro=tuple(self.intro()),
            preamble=tuple(self.preamble()),
            toc_title=self.t(L.SEC_TOC),
            sections=tuple(self.number(i + 1, draft) for i, draft in enumerate(drafts)),
            closing=tuple(closing),
            colon=self.t(L.COLON),
        )

    def number(self, index: int, draft: _Draft) -> Section:
        children = tuple(
            Section(
                f"{draft.anchor}-{child.anchor}",
                f"{index}.{j} {self.t(child.title)}" if self.en else f"（{_zh_number(j)}）{self.t(child.title)}",
                tuple(child.blocks),
            )
            for j, child in enumerate(draft.children, start=1)
        )
        return Section(draft.anchor, self.section_title(index, draft.title), tuple(draft.blocks), children)

    # ---- header and preamble

    def facts(self) -> Facts:
        info, operator = self.spec.policy, self.spec.operator
        rows: list[tuple[str, Inline]] = []
        if info.product is not None:
            rows.append((self.t(L.FACT_PRODUCT), _runs(self.capital(self.label(info.product)))))
        name = self.label(operator.name) if operator.name is not None else self.t(L.NOT_STATED)
        rows.append((self.t(L.FACT_OPERATOR), _runs(name)))
        if operator.app_operator is not None:
            rows.append((self.t(L.FACT_APP_OPERATOR), _runs(self.label(operator.app_operator))))
        if operator.address is not None:
            rows.append((self.t(L.FACT_ADDRESS), _runs(self.label(operator.address))))
        rows.append((self.t(L.FACT_VERSION), _runs(info.version)))
        effective = (
            L.date_text(info.effective_date, self.lang) if info.effective_date is not None else self.t(L.NOT_STATED)
        )
        rows.append((self.t(L.FACT_EFFECTIVE), _runs(effective)))
        if info.updated_date is not None:
            rows.append((self.t(L.FACT_UPDATED), _runs(L.date_text(info.updated_date, self.lang))))
        if info.previous_version_date is not None:
            rows.append((self.t(L.FACT_PREVIOUS), _runs(L.date_text(info.previous_version_date, self.lang))))
        if info.view_in_product is not None:
            rows.append((self.t(L.FACT_VIEW), _runs(self.label(info.view_in_product))))
        return Facts(tuple(rows))

    def intro(self) -> list[Block]:
        spec = self.spec
        blocks: list[Block] = []
        if spec.policy.introduction is not None:
            blocks.append(_para(self.prose(spec.policy.introduction)))
        if spec.operator.name is not None:
            msg = L.WE_ARE_WITH_AFFILIATES if spec.operator.includes_affiliates else L.WE_ARE
            blocks.append(_para(self.t(msg, name=self.label(spec.operator.name))))
        blocks.append(_para(self.t(L.READ_CAREFULLY)))
        return blocks

    def product(self) -> str:
        product = self.spec.policy.product
        return self.label(product) if product is not None else self.t(L.PRODUCT_FALLBACK)

    def preamble(self) -> list[Section]:
        spec, scope = self.spec, self.spec.scope
        first = (
            self.t(
                L.SCOPE_CHANNELS,
                channels=self.join([self.enum(c) for c in scope.channels], "or"),
                product=self.product(),
            )
            if scope.channels
            else self.t(L.SCOPE_NO_CHANNELS, product=self.product())
        )
        people = {
            (True, True): L.SCOPE_BOTH,
            (True, False): L.SCOPE_REGISTERED,
            (False, True): L.SCOPE_VISITORS,
        }.get((scope.registered_users is True, scope.visitors))
        scope_blocks: list[Block] = [_para(self.sentences([first, self.t(people) if people else ""]))]
        if scope.third_party_services_excluded is True:
            scope_blocks.append(_para(self.t(L.SCOPE_THIRD_PARTY)))
        if scope.excluded:
            scope_blocks.append(_para(self.t(L.SCOPE_EXCLUDED)))
            scope_blocks.append(_bullets([self.prose(item) for item in scope.excluded]))
        if scope.supplementary_notices:
            products = self.join([self.label(n.product) for n in scope.supplementary_notices])
            scope_blocks.append(
                _para(self.t(L.SCOPE_SUPPLEMENTARY, products=products, title=self.t(L.SEC_SUPPLEMENTARY)))
            )
        sections = [Section("scope", self.t(L.SEC_SCOPE), tuple(scope_blocks))]

        terms = (
            (L.TERM_PI, L.TERM_PI_TEXT),
            (L.TERM_SENSITIVE, L.TERM_SENSITIVE_TEXT),
            (L.TERM_DEIDENTIFIED, L.TERM_DEIDENTIFIED_TEXT),
            (L.TERM_ANONYMISED, L.TERM_ANONYMISED_TEXT),
        )
        definitions = Facts(tuple((self.t(term), _runs(self.t(text))) for term, text in terms))
        sections.append(Section("definitions", self.t(L.SEC_DEFINITIONS), (definitions,)))

        if spec.principles:
            principles: tuple[Block, ...] = (
                _para(self.t(L.PRINCIPLES_INTRO)),
                _bullets([self.enum(p) for p in spec.principles]),
            )
            sections.append(Section("principles", self.t(L.SEC_PRINCIPLES), principles))
        return sections

    # ---- 1 collection and use

    def retention(self, ret: Retention) -> str:
        if ret.until is not None:
            period = self.enum(ret.until)
        elif ret.period is not None:
            period = self.dur(ret.period)
            if ret.after is not None and ret.after is not RetentionStart.COLLECTION:
                period = self.t(L.RETENTION_AFTER, start=self.enum(ret.after), period=period)
        else:  # the model's validator forbids this; say so rather than crash
            period = self.t(L.NOT_STATED)
        parts = [self.t(L.RETENTION_THEN[ret.on_expiry], period=period)]
        if ret.legal_minimum is not None:
            if ret.legal_minimum_source is not None:
                parts.append(
                    self.t(
                        L.LEGAL_MINIMUM_SOURCE,
                        period=self.dur(ret.legal_minimum),
                        source=self.label(ret.legal_minimum_source),
                    )
                )
            else:
                parts.append(self.t(L.LEGAL_MINIMUM, period=self.dur(ret.legal_minimum)))
        if ret.note is not None:
            parts.append(self.clause(self.prose(ret.note)))
        return self.joined(parts)

    def legal_basis(self, purpose: Purpose) -> str:
        basis = self.enum(purpose.legal_basis)
        if purpose.legal_basis_note is not None:
            basis += self.paren(self.label(purpose.legal_basis_note))
        return basis

    def permission_label(self, perm_id: str) -> str:
        permission = self.spec.permissions.get(perm_id)
        return self.label(permission.label) if permission is not None else perm_id

    def cookie_label(self, cookie_id: str) -> str:
        cookie = self.spec.cookies.get(cookie_id)
        return self.label(cookie.label) if cookie is not None else cookie_id

    def collect(self) -> tuple[list[Block], list[_Draft]]:
        spec = self.spec
        intro: list[Block] = [_para(self.t(L.COLLECT_INTRO)), _para(self.t(L.BASIC_ADDITIONAL))]
        children: list[_Draft] = []

        rows = tuple(
            (
                _runs(Run(self.label(p.label), strong=True)),
                _runs(self.enum(p.function)),
                self.fields_runs(p.fields),
                _runs(self.legal_basis(p)),
                _runs(self.capital(self.retention(p.retention))),
                self.cell(self.join([self.permission_label(x) for x in p.permissions])),
                _runs(self.t(L.NEEDED if p.separate_consent else L.NOT_NEEDED)),
            )
            for p in spec.purposes.values()
        )
        inventory = Table(tuple(self.t(h) for h in L.INVENTORY_HEADERS), rows)
        children.append(_Draft("inventory", L.SUB_INVENTORY, [_para(self.t(L.INVENTORY_INTRO)), inventory]))

        items: list[Inline] = []
        for p in spec.purposes.values():
            notes = [self.prose(p.description) if p.description is not None else ""]
            if p.personalisation:
                notes.append(self.t(L.PURPOSE_PERSONALISATION))
            if p.automated_decision:
                notes.append(self.t(L.PURPOSE_AUTOMATED))
            if p.deidentified_only:
                notes.append(self.t(L.PURPOSE_DEIDENTIFIED))
            if p.others_pi:
                notes.append(self.t(L.PURPOSE_OTHERS))
            if p.cookies:
                notes.append(self.t(L.PURPOSE_COOKIES, cookies=self.join([self.cookie_label(c) for c in p.cookies])))
            text = self.sentences(notes)
            if text:
                items.append(_runs(Run(self.label(p.label), strong=True), self.t(L.COLON), text))
        if items:
            children.append(_Draft("functions", L.SUB_FUNCTIONS, [_bullets(items)]))

        field_rows = []
        for field in spec.fields.values():
            notes = []
            if field.immutable:
                notes.append(self.t(L.FIELD_IMMUTABLE))
            if field.derived:
                notes.append(self.t(L.FIELD_DERIVED))
            sensitive = field.sensitivity is Sensitivity.SENSITIVE
            field_rows.append(
                (
                    _runs(Run(self.label(field.label), strong=sensitive)),
                    _runs(self.enum(field.category)),
                    _runs(Run(self.enum(field.sensitivity), strong=sensitive)),
                    _runs(self.join([self.enum(s) for s in field.sources])),
                    self.cell(self.t(L.CLAUSE_SEP).join(notes)),
                )
            )
        fields_table = Table(tuple(self.t(h) for h in L.FIELDS_HEADERS), tuple(field_rows))
        children.append(_Draft("fields", L.SUB_FIELDS, [fields_table]))

        sensitive_fields = [f for f in spec.fields.values() if f.sensitivity is Sensitivity.SENSITIVE]
        if sensitive_fields:
            not_stated = self.t(L.NOT_STATED)
            sensitive_rows = tuple(
                (
                    _runs(Run(self.label(f.label), strong=True)),
                    _runs(self.prose(f.necessity) if f.necessity is not None else not_stated),
                    _runs(self.prose(f.impact) if f.impact is not None else not_stated),
                )
                for f in sensitive_fields
            )
            sensitive_blocks: list[Block] = [
                _para(self.t(L.SENSITIVE_INTRO)),
                Table(tuple(self.t(h) for h in L.SENSITIVE_HEADERS), sensitive_rows),
            ]
        else:
            sensitive_blocks = [_para(self.t(L.NO_SENSITIVE))]
        children.append(_Draft("sensitive", L.SUB_SENSITIVE, sensitive_blocks))

        children.append(_Draft("permissions", L.SUB_PERMISSIONS, self.permissions()))
        children.append(_Draft("personalisation", L.SUB_PERSONALISATION, self.personalisation()))

        others = [self.label(p.label) for p in spec.purposes.values() if p.others_pi]
        if others:
            text = self.t(L.OTHERS_TEXT, purposes=self.join(others))
            children.append(_Draft("others", L.SUB_OTHERS, [_para(text)]))

        consent = spec.consent
        consent_blocks: list[Block] = []
        lines = []
        if consent.new_purpose_opt_in is True:
            lines.append(self.t(L.CONSENT_NEW_PURPOSE))
        # The cooldown has a default the system always enforces; it is published only when the spec states it,
        # so a policy that never promised it is not rendered as if it had.
        if "refusal_cooldown" in consent.model_fields_set:
            lines.append(self.t(L.CONSENT_COOLDOWN, period=self.dur(consent.refusal_cooldown)))
        lines.append(self.t(L.CONSENT_WITHDRAW_EFFECT))
        consent_blocks.append(_para(self.sentences(lines)))
        if consent.how_to_withdraw is not None:
            consent_blocks.append(Facts(((self.t(L.CONSENT_WITHDRAW), _runs(self.prose(consent.how_to_withdraw))),)))
        children.append(_Draft("consent", L.SUB_CONSENT, consent_blocks))

        exceptions = spec.sharing.exceptions
        if exceptions:
            exception_blocks: list[Block] = [
                _para(self.t(L.NO_CONSENT_INTRO)),
                self.enumerated([self.enum(case) for case in exceptions]),
            ]
        else:
            exception_blocks = [_para(self.t(L.NO_CONSENT_NONE))]
        children.append(_Draft("no-consent", L.SUB_NO_CONSENT, exception_blocks))
        return intro, children

    def permissions(self) -> list[Block]:
        spec = self.spec
        if not spec.permissions:
            return [_para(self.t(L.NO_PERMISSIONS))]
        rows = []
        for perm_id, permission in spec.permissions.items():
            used_by = [self.label(p.label) for p in spec.purposes.values() if perm_id in p.permissions]
            rows.append(
                (
                    _runs(Run(self.label(permission.label), strong=True)),
                    _runs(self.enum(permission.kind)),
                    self.cell(self.join(used_by)),
                    _runs(self.t(L.PERMISSION_PROMPT[permission.prompt])),
                    self.cell(self.prose(permission.description) if permission.description is not None else ""),
                )
            )
        return [_para(self.t(L.PERMISSIONS_INTRO)), Table(tuple(self.t(h) for h in L.PERMISSIONS_HEADERS), tuple(rows))]

    def personalisation(self) -> list[Block]:
        spec = self.spec
        profiled = [self.label(p.label) for p in spec.purposes.values() if p.personalisation]
        automated = [self.label(p.label) for p in spec.purposes.values() if p.automated_decision]
        pers = spec.personalisation
        blocks: list[Block] = []
        if pers is not None and not pers.offered and not profiled:
            blocks.append(_para(self.t(L.PERS_NOT_OFFERED)))
        elif profiled or pers is not None:
            lines = []
            if profiled:
                lines.append(self.t(L.PERS_PURPOSES, purposes=self.join(profiled)))
            if pers is not None and pers.non_personalised_alternative is True:
                lines.append(self.t(L.PERS_ALTERNATIVE))
            if pers is not None and pers.profile_deletion:
                lines.append(self.t(L.PERS_PROFILE_DELETION))
            if pers is None or pers.opt_out is None:
                lines.append(self.t(L.PERS_NO_OPT_OUT))
            blocks.append(_para(self.sentences(lines)))
            rows: list[tuple[str, Inline]] = []
            if pers is not None and pers.opt_out is not None:
                rows.append((self.t(L.PERS_OPT_OUT), _runs(self.prose(pers.opt_out))))
            if pers is not None and pers.algorithm_disclosure is not None:
                rows.append((self.t(L.PERS_ALGORITHM), _runs(self.prose(pers.algorithm_disclosure))))
            if rows:
                blocks.append(Facts(tuple(rows)))
        if automated:
            blocks.append(_para(self.t(L.AUTO_PURPOSES, purposes=self.join(automated))))
        if not blocks:
            blocks.append(_para(self.t(L.NO_PERSONALISATION)))
        return blocks

    # ---- 2 cookies

    def cookies(self) -> list[Block]:
        spec = self.spec
        if not spec.cookies:
            return [_para(self.t(L.NO_COOKIES))]
        rows = []
        for cookie_id, cookie in spec.cookies.items():
            used_by = [self.label(p.label) for p in spec.purposes.values() if cookie_id in p.cookies]
            if cookie.expiry is None:
                expiry = self.t(L.NOT_STATED)
            elif cookie.expiry == "session":
                expiry = self.t(L.SESSION)
            else:
                expiry = self.dur(cookie.expiry)
            rows.append(
                (
                    _runs(Run(self.label(cookie.label), strong=True)),
                    _runs(self.enum(cookie.category) if cookie.category is not None else self.t(L.NOT_STATED)),
                    _runs(self.join([self.enum(tech) for tech in cookie.technologies])),
                    self.cell(self.prose(cookie.description) if cookie.description is not None else ""),
                    _runs(expiry),
                    _runs(self.t(L.COOKIE_THIRD_PARTY if cookie.third_party else L.COOKIE_FIRST_PARTY)),
                    self.cell(self.join(used_by)),
                )
            )
        blocks: list[Block] = [
            _para(self.t(L.COOKIE_INTRO)),
            Table(tuple(self.t(h) for h in L.COOKIE_HEADERS), tuple(rows)),
            _para(self.t(L.COOKIE_MANAGE)),
        ]
        return blocks

    # ---- 3 sharing

    def sharing(self) -> tuple[list[Block], list[_Draft]]:
        spec, sharing = self.spec, self.spec.sharing
        children: list[_Draft] = []

        if spec.recipients:
            rows = []
            details: list[Inline] = []
            for recipient in spec.recipients.values():
                rows.append(
                    (
                        _runs(Run(self.label(recipient.name), strong=True)),
                        _runs(self.enum(recipient.kind)),
                        self.cell(self.join([self.purpose_label(p) for p in recipient.purposes])),
                        self.fields_runs(recipient.fields) if recipient.fields else _runs(self.t(L.NOT_STATED)),
                        _runs(self.recipient_region(recipient)),
                        self.yes_no(recipient.agreement),
                        self.yes_no(recipient.deidentified),
                        _runs(self.t(L.NEEDED if recipient.separate_consent else L.NOT_NEEDED)),
                    )
                )
                parts = [self.clause(self.prose(recipient.description)) if recipient.description is not None else ""]
                if recipient.sdk_provider is not None:
                    parts.append(self.t(L.RECIPIENT_SDK_PROVIDER, provider=self.label(recipient.sdk_provider)))
                if recipient.contact is not None:
                    parts.append(self.t(L.RECIPIENT_CONTACT, contact=L.one_line(recipient.contact)))
                if recipient.delete_on_end:
                    parts.append(self.t(L.RECIPIENT_DELETE_ON_END))
                if recipient.deletion_channel is not None:
                    parts.append(self.t(L.RECIPIENT_DELETION_CHANNEL, channel=L.one_line(recipient.deletion_channel)))
                if recipient.cross_border_consent:
                    parts.append(self.t(L.RECIPIENT_CROSS_BORDER))
                text = self.clauses(parts)
                if text:
                    details.append(_runs(Run(self.label(recipient.name), strong=True), self.t(L.COLON), text))
            intro = [self.t(L.RECIPIENTS_INTRO)]
            if any(r.kind is RecipientKind.SDK for r in spec.recipients.values()):
                intro.append(self.t(L.RECIPIENTS_SDK))
            blocks: list[Block] = [
                _para(self.sentences(intro)),
                Table(tuple(self.t(h) for h in L.RECIPIENT_HEADERS), tuple(rows)),
            ]
            if any(r.agreement for r in spec.recipients.values()):
                blocks.append(_para(self.t(L.AGREEMENT_EXPLAIN)))
            children.append(_Draft("recipients", L.SUB_RECIPIENTS, blocks))
            if details:
                children.append(_Draft("recipient-details", L.SUB_RECIPIENT_DETAILS, [Bullets(tuple(details))]))
        else:
            children.append(_Draft("recipients", L.SUB_RECIPIENTS, [_para(self.t(L.NO_RECIPIENTS))]))

        transfer: list[Block] = []
        if sharing.transfer_with_explicit_consent is True:
            transfer.append(_para(self.t(L.TRANSFER_CONSENT)))
        if sharing.transfer_on_merger is True:
            steps = []
            if sharing.merger_notice_recipient:
                steps.append(self.t(L.TRANSFER_MERGER_NOTICE))
            if sharing.merger_reconsent is True:
                steps.append(self.t(L.TRANSFER_MERGER_BOUND))
            if steps:
                transfer += [_para(self.t(L.TRANSFER_MERGER)), self.enumerated(steps)]
            else:
                transfer.append(_para(self.t(L.TRANSFER_MERGER_BARE)))
        else:
            transfer.append(_para(self.t(L.TRANSFER_MERGER_UNSTATED)))
        children.append(_Draft("transfer", L.SUB_TRANSFER, transfer))

        disclosure: list[Block] = []
        cases = []
        if sharing.public_disclosure_with_consent is True:
            cases.append(self.t(L.DISCLOSURE_CONSENT))
        if sharing.public_disclosure_on_compulsion is True:
            cases.append(self.t(L.DISCLOSURE_COMPULSION))
        if cases:
            disclosure += [_para(self.t(L.DISCLOSURE_INTRO)), self.enumerated(cases)]
        else:
            disclosure.append(_para(self.t(L.DISCLOSURE_UNSTATED)))
        if sharing.checks_legal_documents:
            disclosure.append(_para(self.t(L.DISCLOSURE_DOCUMENTS)))
        children.append(_Draft("disclosure", L.SUB_DISCLOSURE, disclosure))

        if sharing.exceptions:
            exceptions: list[Block] = [
                _para(self.t(L.EXCEPTIONS_INTRO)),
                self.enumerated([self.enum(case) for case in sharing.exceptions]),
            ]
        else:
            exceptions = [_para(self.t(L.EXCEPTIONS_NONE))]
        children.append(_Draft("exceptions", L.SUB_EXCEPTIONS, exceptions))

        deidentified = []
        if sharing.deidentified_without_notice:
            deidentified.append(self.t(L.DEIDENTIFIED_NO_NOTICE))
        if sharing.anonymised_statistics:
            deidentified.append(self.t(L.ANONYMISED_STATISTICS))
        if sharing.note is not None:
            deidentified.append(self.prose(sharing.note))
        if deidentified:
            children.append(_Draft("deidentified", L.SUB_DEIDENTIFIED, [_para(p) for p in deidentified]))
        return [], children

    # ---- 4 storage and protection

    def storage(self) -> tuple[list[Block], list[_Draft]]:
        spec, storage = self.spec, self.spec.storage
        children: list[_Draft] = []

        location: list[Block] = [
            _para(self.sentences([self.stored_in(), self.prose(storage.region_note) if storage.region_note else ""]))
        ]
        location.append(_para(self.t(L.STORAGE_SEE_CROSS_BORDER), self.ref("cross-border"), self.t(L.SENTENCE_END)))
        children.append(_Draft("location", L.SUB_LOCATION, location))

        retention: list[Block] = [_para(self.t(L.RETENTION_INTRO))]
        retention.append(
            _bullets(
                [
                    _runs(
                        Run(self.label(p.label), strong=True),
                        self.t(L.COLON),
                        self.sentence(self.retention(p.retention)),
                    )
                    for p in spec.purposes.values()
                ]
            )
        )
        logs = spec.access_logs
        lines = []
        if logs is not None:
            lines.append(
                self.t(L.ACCESS_LOGS, period=self.dur(logs.retention)) if logs.kept else self.t(L.ACCESS_LOGS_NOT_KEPT)
            )
        lines.append(self.t(L.RETENTION_EXPIRY))
        if storage.backup_deletion is not None:
            lines.append(self.prose(storage.backup_deletion))
        retention.append(_para(self.sentences(lines)))
        children.append(_Draft("retention", L.SUB_RETENTION, retention))

        security: list[Block]
        if storage.security_measures:
            security = [
                _para(self.t(L.SECURITY_INTRO)),
                _bullets([self.sentence(self.enum(m)) for m in storage.security_measures]),
            ]
        else:
            security = [_para(self.t(L.SECURITY_NONE))]
        assessment = spec.impact_assessment
        assessed = []
        if assessment.last_assessed is not None:
            assessed.append(self.t(L.IMPACT_ASSESSED, date=L.date_text(assessment.last_assessed, self.lang)))
        if assessment.note is not None:
            assessed.append(self.prose(assessment.note))
        if assessed:
            security.append(_para(self.sentences(assessed)))
        children.append(_Draft("security", L.SUB_SECURITY, security))

        incidents = spec.incidents
        incident_blocks: list[Block] = []
        if incidents.notice_contents:
            incident_blocks.append(_para(self.t(L.INCIDENT_CONTENTS)))
            incident_blocks.append(self.enumerated([self.enum(c) for c in incidents.notice_contents]))
        else:
            incident_blocks.append(_para(self.t(L.INCIDENT_PLAIN)))
        lines = []
        if incidents.channels:
            lines.append(
                self.t(L.INCIDENT_CHANNELS, channels=self.join([self.enum(c) for c in incidents.channels], "or"))
            )
        else:
            lines.append(self.t(L.INCIDENT_NO_CHANNELS))
        if incidents.public_announcement_fallback is True:
            lines.append(self.t(L.INCIDENT_FALLBACK))
        if incidents.report_to_regulators is True:
            lines.append(self.t(L.INCIDENT_REGULATORS))
        incident_blocks.append(_para(self.sentences(lines)))
        children.append(_Draft("incidents", L.SUB_INCIDENTS, incident_blocks))

        shutdown = spec.shutdown
        channels = self.join([self.enum(c) for c in shutdown.channels], "or")
        lines = [self.t(L.SHUTDOWN_STOP)] if shutdown.stop_collection is True else []
        if shutdown.notice is not None and shutdown.channels:
            lines.append(self.t(L.SHUTDOWN_NOTICE, period=self.dur(shutdown.notice), channels=channels))
        elif shutdown.notice is not None:
            lines.append(self.t(L.SHUTDOWN_NOTICE_ONLY, period=self.dur(shutdown.notice)))
        elif shutdown.channels:
            lines.append(self.t(L.SHUTDOWN_CHANNELS_ONLY, channels=channels))
        else:
            lines.append(self.t(L.SHUTDOWN_NO_NOTICE))
        if shutdown.after is not None:
            lines.append(self.t(L.SHUTDOWN_AFTER, dispose=self.t(L.DISPOSE[shutdown.after])))
        else:
            lines.append(self.t(L.SHUTDOWN_AFTER_UNSTATED))
        children.append(_Draft("shutdown", L.SUB_SHUTDOWN, [_para(self.sentences(lines))]))
        return [], children

    # ---- 5 rights

    def rights(self) -> tuple[list[Block], list[_Draft]]:
        spec = self.spec
        children = [
            _Draft(right.value.replace("_", "-"), L.RIGHT[right], self.right(right, spec.rights.get(right)))
            for right in Right
            if right not in _OPTIONAL_RIGHTS or right in spec.rights
        ]
        children.append(_Draft("requests", L.SUB_REQUESTS, self.requests()))
        children.append(_Draft("remedies", L.SUB_REMEDIES, self.remedies()))
        return [_para(self.t(L.RIGHTS_INTRO))], children

    def right(self, right: Right, declared: RightSpec | None) -> list[Block]:
        """How to exercise one right; a right the spec does not offer is said to be unstated, never invented."""
        spec = self.spec
        contact = self.ref("contact")
        blocks: list[Block] = []
        if declared is None or declared.offered == "unstated":
            blocks.append(_para(self.t(L.RIGHT_UNSTATED_BEFORE), contact, self.t(L.RIGHT_UNSTATED_AFTER), note=True))
        elif declared.offered == "no":
            blocks.append(_para(self.t(L.RIGHT_NOT_OFFERED_BEFORE), contact, self.t(L.RIGHT_UNSTATED_AFTER), note=True))
        else:
            rows: list[tuple[str, Inline]] = []
            if declared.how is not None:
                rows.append((self.t(L.RIGHT_HOW), _runs(self.prose(declared.how))))
            if declared.path is not None:
                rows.append((self.t(L.RIGHT_PATH), _runs(self.label(declared.path))))
            if declared.self_service:
                rows.append((self.t(L.RIGHT_SELF_SERVICE), _runs(self.t(L.RIGHT_SELF_SERVICE_YES))))
            else:
                request = _runs(self.t(L.RIGHT_REQUEST_BEFORE), contact, self.t(L.RIGHT_REQUEST_AFTER))
                rows.append((self.t(L.RIGHT_SELF_SERVICE), request))
            general = spec.requests.complaints_deadline if right is Right.COMPLAIN else None
            deadline = declared.deadline or general or (None if declared.self_service else spec.requests.deadline)
            if deadline is not None:
                rows.append((self.t(L.RIGHT_DEADLINE), _runs(self.capital(self.deadline(deadline)))))
            blocks.append(Facts(tuple(rows)))
        if declared is not None and declared.note is not None:
            blocks.append(_para(self.prose(declared.note)))

        if right is Right.CORRECT:
            immutable = [self.label(f.label) for f in spec.fields.values() if f.immutable]
            if immutable:
                blocks.append(_para(self.t(L.IMMUTABLE_FIELDS, fields=self.join(immutable))))
        elif right is Right.CANCEL_ACCOUNT and spec.cancellation is not None:
            cancellation = spec.cancellation
            if cancellation.blockers:
                blocks.append(_para(self.t(L.CANCEL_BLOCKERS)))
                blocks.append(_bullets([self.prose(b) for b in cancellation.blockers]))
            lines = []
            if cancellation.review_deadline is not None:
                lines.append(self.t(L.CANCEL_REVIEW, period=self.dur(cancellation.review_deadline)))
            if cancellation.third_party_login_release:
                lines.append(self.t(L.CANCEL_THIRD_PARTY))
            lines.append(self.t(L.CANCEL_AFTER, dispose=self.t(L.DISPOSE[cancellation.after])))
            blocks.append(_para(self.sentences(lines)))
        elif right is Right.COMPLAIN and (declared is None or declared.offered != "yes"):
            complaints = spec.requests.complaints_deadline
            if complaints is not None:
                blocks.append(Facts(((self.t(L.COMPLAINTS_DEADLINE), _runs(self.capital(self.deadline(complaints)))),)))
        return blocks

    def requests(self) -> list[Block]:
        req = self.spec.requests
        lines = []
        if req.deadline is None:
            lines.append(self.t(L.REQ_NO_DEADLINE))
        else:
            msg = {True: L.REQ_DEADLINE_VERIFIED, False: L.REQ_DEADLINE_RECEIPT, None: L.REQ_DEADLINE_PLAIN}[
                req.identity_verification
            ]
            lines.append(self.t(msg, period=self.dur(req.deadline)))
        if req.identity_verification is True:
            lines.append(self.t(L.REQ_IDENTITY))
        if req.written_request_may_be_required:
            lines.append(self.t(L.REQ_WRITTEN))
        blocks: list[Block] = [_para(self.sentences(lines))]
        lines = [] if req.free is None else [self.t(L.REQ_FREE if req.free else L.REQ_NOT_FREE)]
        if req.excessive is not None:
            lines.append(
                self.t(
                    L.REQ_EXCESSIVE,
                    days=str(req.excessive.window_days),
                    count=str(req.excessive.max_requests),
                    action=self.enum(req.excessive.action),
                )
            )
        if req.may_refuse_unreasonable:
            lines.append(self.t(L.REQ_UNREASONABLE))
        if lines:
            blocks.append(_para(self.sentences(lines)))
        if req.refusal_grounds:
            blocks.append(_para(self.t(L.REQ_REFUSAL)))
            blocks.append(self.enumerated([self.enum(g) for g in req.refusal_grounds]))
        else:
            blocks.append(_para(self.t(L.REQ_REFUSAL_NONE)))
        return blocks

    def remedies(self) -> list[Block]:
        req = self.spec.requests
        items = []
        for remedy in req.external_remedies:
            if remedy is ExternalRemedy.COURT and req.court is not None:
                items.append(self.t(L.REMEDY_COURT, court=self.label(req.court)))
            else:
                items.append(self.enum(remedy))
        if req.court is not None and ExternalRemedy.COURT not in req.external_remedies:
            items.append(self.t(L.REMEDY_COURT, court=self.label(req.court)))
        if not items:
            return [_para(self.t(L.REMEDIES_NONE))]
        return [_para(self.t(L.REMEDIES_INTRO)), self.enumerated(items)]

    # ---- 6 minors, 7 cross-border, 8 changes, 9 contact

    def minors(self) -> list[Block]:
        minors = self.spec.minors
        if minors is None:
            return [_para(self.t(L.MINORS_NONE))]
        lines = []
        if minors.rule is MinorsRule.ADULTS_ONLY:
            lines.append(self.t(L.MINORS_ADULTS))
            if minors.delete_on_discovery:
                lines.append(self.t(L.MINORS_DELETE_ADULTS))
        else:
            age = str(minors.guardian_consent_under or 14)
            lines.append(self.t(L.MINORS_GUARDIAN, age=age))
            if minors.delete_on_discovery:
                lines.append(self.t(L.MINORS_DELETE_GUARDIAN))
        if minors.guardian_may:
            actions = self.join([self.t(L.GUARDIAN_ACTION[a]) for a in minors.guardian_may], "or" if self.en else None)
            lines.append(self.t(L.MINORS_GUARDIAN_MAY, actions=actions))
        if minors.contact is not None:
            lines.append(self.t(L.MINORS_CONTACT, contact=L.one_line(minors.contact)))
        blocks: list[Block] = [_para(self.sentences(lines))]
        if minors.note is not None:
            blocks.append(_para(self.prose(minors.note)))
        return blocks

    def cross_border(self) -> list[Block]:
        spec, storage = self.spec, self.spec.storage
        cross = storage.cross_border
        lines = [self.stored_in()]
        if cross.rule is CrossBorderRule.PROHIBITED:
            lines.append(self.t(L.CROSS_PROHIBITED))
        elif cross.rule is CrossBorderRule.LAW_OR_SEPARATE_CONSENT:
            lines.append(self.t(L.CROSS_LAW_OR_CONSENT))
        else:
            places = [L.region(code, self.lang) for code in cross.destinations] or [L.region("abroad", self.lang)]
            lines.append(self.t(L.CROSS_MAY_TRANSFER, destinations=self.join(places, "and")))
        blocks: list[Block] = [_para(self.sentences(lines))]
        abroad = [r for r in spec.recipients.values() if (r.region or storage.region) not in (None, "CN")]
        if abroad:
            blocks.append(_para(self.t(L.CROSS_RECIPIENTS)))
            blocks.append(
                _bullets(
                    [
                        _runs(
                            Run(self.label(r.name), strong=True),
                            self.paren(
                                self.t(L.CLAUSE_SEP).join(
                                    [self.recipient_region(r)]
                                    + ([self.t(L.CROSS_RECIPIENT_CONSENT)] if r.cross_border_consent else [])
                                )
                            ),
                        )
                        for r in abroad
                    ]
                )
            )
        if cross.note is not None:
            blocks.append(_para(self.prose(cross.note)))
        return blocks

    def changes(self) -> list[Block]:
        spec, changes = self.spec, self.spec.changes
        lines = [self.t(L.CHANGES_INTRO)]
        if changes.no_rights_reduction_without_consent:
            lines.append(self.t(L.CHANGES_NO_REDUCTION))
        if changes.no_settings_change:
            lines.append(self.t(L.CHANGES_NO_SETTINGS))
        if changes.channels:
            channels = self.join([self.enum(c) for c in changes.channels], "or")
            msg = L.CHANGES_NOTICE_BEFORE if changes.notice_before_effect is True else L.CHANGES_NOTICE
            lines.append(self.t(msg, channels=channels))
        else:
            lines.append(self.t(L.CHANGES_NO_CHANNELS))
        blocks: list[Block] = [_para(self.sentences(lines))]
        if changes.material_kinds:
            blocks.append(_para(self.t(L.CHANGES_KINDS)))
            blocks.append(_bullets([self.sentence(self.enum(kind)) for kind in changes.material_kinds]))
        else:
            blocks.append(_para(self.t(L.CHANGES_NO_KINDS)))
        if spec.policy.view_in_product is not None:
            blocks.append(_para(self.t(L.CHANGES_VIEW, path=self.label(spec.policy.view_in_product))))
        return blocks

    def contact(self) -> list[Block]:
        spec, contact = self.spec, self.spec.contact
        blocks: list[Block] = [_para(self.t(L.CONTACT_INTRO))]
        operator_rows: list[tuple[str, Inline]] = []
        if spec.operator.name is not None:
            operator_rows.append((self.t(L.FACT_OPERATOR), _runs(self.label(spec.operator.name))))
        if spec.operator.address is not None:
            operator_rows.append((self.t(L.FACT_ADDRESS), _runs(self.label(spec.operator.address))))
        if contact.dpo is not None:
            dpo = self.label(contact.dpo.department)
            if contact.dpo.contact is not None:
                dpo += self.t(L.COLON) + L.one_line(contact.dpo.contact)
            operator_rows.append((self.t(L.CONTACT_DPO), _runs(dpo)))
        if operator_rows:
            blocks.append(Facts(tuple(operator_rows)))
        if contact.channels:
            rows = []
            for channel in contact.channels:
                kind = self.enum(channel.kind)
                name = self.label(channel.label) if channel.label is not None else ""
                details = [name if name != kind else "", L.one_line(channel.value or "")]
                rows.append(
                    (
                        _runs(Run(kind, strong=True)),
                        self.cell(self.t(L.COLON).join(d for d in details if d)),
                        _runs(self.join([self.enum(use) for use in channel.uses])),
                    )
                )
            blocks.append(Table(tuple(self.t(h) for h in L.CONTACT_HEADERS), tuple(rows)))
        else:
            blocks.append(_para(self.t(L.CONTACT_NONE), note=True))
        if contact.dpo is None:
            blocks.append(_para(self.t(L.CONTACT_NO_DPO), note=True))
        if contact.response is not None:
            msg = (
                L.CONTACT_RESPONSE_VERIFIED
                if contact.response_after == "identity_verified"
                else L.CONTACT_RESPONSE_RECEIPT
            )
            blocks.append(_para(self.t(msg, period=self.dur(contact.response))))
        else:
            blocks.append(_para(self.t(L.CONTACT_NO_RESPONSE)))
        return blocks

    # ---- closing

    def supplementary(self) -> list[Block]:
        items = []
        for notice in self.spec.scope.supplementary_notices:
            text = [self.prose(notice.text) if notice.text is not None else ""]
            text.append(self.t(L.SUPPLEMENTARY_PREVAILS if notice.prevails else L.SUPPLEMENTARY_SUBORDINATE))
            head = Run(self.capital(self.label(notice.product)), strong=True)
            items.append(_runs(head, self.t(L.COLON), self.sentences(text)))
        return [Bullets(tuple(items))]
