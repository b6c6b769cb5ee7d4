"""Chapter 6: minors, and the guardian's consent the spec asks for."""

from __future__ import annotations

from yinsi.core.policy import labels
from yinsi.core.policy.render.builder import (
    Builder,
    para,
)
from yinsi.core.policy.render.document import (
    Block,
)
from yinsi.core.policy.vocabulary import (
    MinorsRule,
)


def minors(bld: Builder) -> list[Block]:
    minors = bld.spec.minors
    if minors is None:
        return [para(bld.t(labels.MINORS_NONE))]
    lines = []
    if minors.rule is MinorsRule.ADULTS_ONLY:
        lines.append(bld.t(labels.MINORS_ADULTS))
        if minors.delete_on_discovery:
            lines.append(bld.t(labels.MINORS_DELETE_ADULTS))
    else:
        age = str(minors.guardian_consent_under or 14)
        lines.append(bld.t(labels.MINORS_GUARDIAN, age=age))
        if minors.delete_on_discovery:
            lines.append(bld.t(labels.MINORS_DELETE_GUARDIAN))
    if minors.guardian_may:
        actions = bld.join([bld.t(labels.GUARDIAN_ACTION[a]) for a in minors.guardian_may], "or" if bld.en else None)
        lines.append(bld.t(labels.MINORS_GUARDIAN_MAY, actions=actions))
    if minors.contact is not None:
        lines.append(bld.t(labels.MINORS_CONTACT, contact=labels.one_line(minors.contact)))
    blocks: list[Block] = [para(bld.sentences(lines))]
    if minors.note is not None:
        blocks.append(para(bld.prose(minors.note)))
    return blocks
