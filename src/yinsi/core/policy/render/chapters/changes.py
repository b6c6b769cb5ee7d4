"""Chapter 8: how the policy changes and how people are told."""

from __future__ import annotations

from yinsi.core.policy import labels
from yinsi.core.policy.render.builder import (
    Builder,
    bullets,
    para,
)
from yinsi.core.policy.render.document import (
    Block,
)


def changes(bld: Builder) -> list[Block]:
    spec, changes = bld.spec, bld.spec.changes
    lines = [bld.t(labels.CHANGES_INTRO)]
    if changes.no_rights_reduction_without_consent:
        lines.append(bld.t(labels.CHANGES_NO_REDUCTION))
    if changes.no_settings_change:
        lines.append(bld.t(labels.CHANGES_NO_SETTINGS))
    if changes.channels:
        channels = bld.join([bld.enum(c) for c in changes.channels], "or")
        msg = labels.CHANGES_NOTICE_BEFORE if changes.notice_before_effect is True else labels.CHANGES_NOTICE
        lines.append(bld.t(msg, channels=channels))
    else:
        lines.append(bld.t(labels.CHANGES_NO_CHANNELS))
    if changes.without_notice:
        lines.append(bld.t(labels.CHANGES_WITHOUT_NOTICE))
    if changes.effective_after_confirmation is True:
        lines.append(bld.t(labels.CHANGES_CONFIRM))
    blocks: list[Block] = [para(bld.sentences(lines))]
    if changes.material_kinds:
        blocks.append(para(bld.t(labels.CHANGES_KINDS)))
        blocks.append(bullets([bld.sentence(bld.enum(kind)) for kind in changes.material_kinds]))
    else:
        blocks.append(para(bld.t(labels.CHANGES_NO_KINDS)))
    if spec.policy.view_in_product is not None:
        blocks.append(para(bld.t(labels.CHANGES_VIEW, path=bld.label(spec.policy.view_in_product))))
    if changes.archive is not None:
        blocks.append(para(bld.t(labels.CHANGES_ARCHIVE, where=bld.clause(bld.prose(changes.archive)))))
    return blocks
