"""The whole document: every chapter in order, numbered, with the closing sections."""

from __future__ import annotations

from yinsi.core.policy import labels
from yinsi.core.policy.render.builder import (
    Builder,
    Draft,
    bullets,
    para,
    zh_number,
)
from yinsi.core.policy.render.chapters.changes import changes
from yinsi.core.policy.render.chapters.collection import collect, cookies
from yinsi.core.policy.render.chapters.contact import contact, supplementary
from yinsi.core.policy.render.chapters.cross_border import cross_border
from yinsi.core.policy.render.chapters.minors import minors
from yinsi.core.policy.render.chapters.preamble import facts, intro, preamble
from yinsi.core.policy.render.chapters.rights import rights
from yinsi.core.policy.render.chapters.sharing import sharing
from yinsi.core.policy.render.chapters.storage import storage
from yinsi.core.policy.render.document import (
    Block,
    Document,
    Section,
)


def document(bld: Builder) -> Document:
    spec = bld.spec
    drafts = [
        Draft("collect", labels.SEC_COLLECT, *collect(bld)),
        Draft("cookies", labels.SEC_COOKIES, cookies(bld)),
        Draft("sharing", labels.SEC_SHARING, *sharing(bld)),
        Draft("storage", labels.SEC_STORAGE, *storage(bld)),
        Draft("rights", labels.SEC_RIGHTS, *rights(bld)),
        Draft("minors", labels.SEC_MINORS, minors(bld)),
        Draft("cross-border", labels.SEC_CROSS_BORDER, cross_border(bld)),
        Draft("changes", labels.SEC_CHANGES, changes(bld)),
        Draft("contact", labels.SEC_CONTACT, contact(bld)),
    ]
    closing: list[Section] = []
    if spec.scope.supplementary_notices:
        closing.append(Section("supplementary", bld.t(labels.SEC_SUPPLEMENTARY), tuple(supplementary(bld))))
    if spec.unstated:
        blocks: tuple[Block, ...] = (
            para(bld.t(labels.UNSTATED_INTRO)),
            bullets([bld.prose(item) for item in spec.unstated]),
        )
        closing.append(Section("unstated", bld.t(labels.SEC_UNSTATED), blocks))
    return Document(
        lang=bld.lang,
        title=bld.label(spec.policy.title),
        facts=facts(bld),
        intro=tuple(intro(bld)),
        preamble=tuple(preamble(bld)),
        toc_title=bld.t(labels.SEC_TOC),
        sections=tuple(number(bld, i + 1, draft) for i, draft in enumerate(drafts)),
        closing=tuple(closing),
        colon=bld.t(labels.COLON),
    )


def number(bld: Builder, index: int, draft: Draft) -> Section:
    children = tuple(
        Section(
            f"{draft.anchor}-{child.anchor}",
            f"{index}.{j} {bld.t(child.title)}" if bld.en else f"（{zh_number(j)}）{bld.t(child.title)}",
            tuple(child.blocks),
        )
        for j, child in enumerate(draft.children, start=1)
    )
    return Section(draft.anchor, bld.section_title(index, draft.title), tuple(draft.blocks), children)
