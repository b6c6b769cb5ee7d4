"""The document a spec becomes before any format: sections of paragraphs, bullets, facts and tables."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar


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
