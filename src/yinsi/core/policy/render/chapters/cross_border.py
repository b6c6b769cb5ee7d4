"""Chapter 7: transfer abroad, as the spec states it (or says it does not)."""

from __future__ import annotations

from yinsi.core.policy import labels, law
from yinsi.core.policy.render.builder import (
    Builder,
    bullets,
    para,
    runs,
)
from yinsi.core.policy.render.document import (
    Block,
    Run,
)
from yinsi.core.policy.vocabulary import (
    CrossBorderRule,
)


def cross_border(bld: Builder) -> list[Block]:
    spec, storage = bld.spec, bld.spec.storage
    cross = storage.cross_border
    lines = [bld.stored_in()]
    if cross.rule is CrossBorderRule.PROHIBITED:
        lines.append(bld.t(labels.CROSS_PROHIBITED))
    elif cross.rule is CrossBorderRule.LAW_OR_SEPARATE_CONSENT:
        lines.append(bld.t(labels.CROSS_LAW_OR_CONSENT))
    elif cross.rule is CrossBorderRule.UNSTATED:
        lines.append(bld.t(labels.CROSS_UNSTATED))
    else:
        places = [labels.region(code, bld.lang) for code in cross.destinations] or [labels.region("abroad", bld.lang)]
        lines.append(bld.t(labels.CROSS_MAY_TRANSFER, destinations=bld.join(places, "and")))
        lines.append(bld.t(labels.CROSS_NEEDS_CONSENT, law=law.names(law.cross_border_articles(spec), bld.lang)))
    blocks: list[Block] = [para(bld.sentences(lines))]
    abroad = [r for r in spec.recipients.values() if law.recipient_abroad(spec, r)]
    if abroad:
        blocks.append(para(bld.t(labels.CROSS_RECIPIENTS)))
        blocks.append(
            bullets(
                [
                    runs(
                        Run(bld.label(r.name), strong=True),
                        bld.paren(
                            bld.t(labels.CLAUSE_SEP).join(
                                [bld.recipient_region(r)]
                                + ([bld.t(labels.CROSS_RECIPIENT_CONSENT)] if r.cross_border_consent else [])
                            )
                        ),
                    )
                    for r in abroad
                ]
            )
        )
    if cross.note is not None:
        blocks.append(para(bld.prose(cross.note)))
    return blocks
