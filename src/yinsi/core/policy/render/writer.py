"""Laying a document out: the Jinja2 templates, Markdown escaping, and the zh-TW conversion."""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Callable
from typing import Any, Literal, TypeVar, cast

import opencc
from jinja2 import Environment, PackageLoader, StrictUndefined, Template, select_autoescape

from yinsi.core.policy.model import PolicySpec
from yinsi.core.policy.render.builder import Builder
from yinsi.core.policy.render.compose import document as compose

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


# OpenCC converts phrase by phrase, longest match first, so a word boundary it cannot see goes wrong: in
# 医生发完医嘱 it matches 生发 (hair growth, 生髮) and prints 醫生髮完醫囑 ("the doctor's hair finished the
# orders"). These phrases are converted on their own, before OpenCC sees the text around them, so 发 in them is
# always 發. Each is a verb or noun phrase that starts with 发 and never means hair.
PROTECTED_PHRASES: tuple[str, ...] = tuple(
    "发" + tail
    for tail in [
        "完",
        "现",
        "言",
        "来",
        "送",
        "给",
        "出",
        "的",
        "表",
        "问",
        "起",
        "生",
        "展",
        "布",
        "药",
        "放",
        "信",
        "短信",
        "邮件",
        "消息",
        "票",
        "货",
        "帖",
        "文",
        "病",
        "作",
        "热",
        "烧",
        "动",
        "觉",
        "回",
        "到",
        "了",
        "过",
        "函",
        "件",
        "行",
        "证",
        "照",
        "还",
        "往",
        "向",
        "于",
        "至",
        "放",
        "挥",
        "掘",
        "誓",
        "射",
        "售",
        "音",
        "声",
        "明",
    ]
)


def render_policy(spec: PolicySpec, lang: RenderLang, fmt: RenderFormat) -> str:
    """The published policy text of ``spec`` in ``lang`` as Markdown (``md``) or a standalone HTML page."""
    if lang not in _LANGS:
        raise ValueError(f"unknown language {lang!r}: use one of {', '.join(_LANGS)}")
    if fmt not in _FORMATS:
        raise ValueError(f"unknown format {fmt!r}: use md or html")
    document = compose(Builder(spec, lang))
    if lang == "zh-TW":
        document = _map_text(document, to_traditional)
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


@functools.cache
def _protected() -> tuple[re.Pattern[str], dict[str, str]]:
    phrases = sorted(set(PROTECTED_PHRASES), key=len, reverse=True)
    return re.compile("|".join(map(re.escape, phrases))), {p: str(_converter().convert(p)) for p in phrases}


def to_traditional(text: str) -> str:
    """``text`` in Traditional Chinese (Taiwan glyphs), protected phrases converted on their own."""
    pattern, table = _protected()
    out: list[str] = []
    last = 0
    for match in pattern.finditer(text):
        out.append(str(_converter().convert(text[last : match.start()])) if match.start() > last else "")
        out.append(table[match.group()])
        last = match.end()
    out.append(str(_converter().convert(text[last:])) if last < len(text) else "")
    return "".join(out)


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
