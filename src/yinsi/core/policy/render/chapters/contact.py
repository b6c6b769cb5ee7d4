"""Chapter 9: how to reach the operator and its PI protection officer; supplementary notices."""

from __future__ import annotations

from yinsi.core.policy import labels
from yinsi.core.policy.render.builder import (
    Builder,
    para,
    runs,
)
from yinsi.core.policy.render.document import (
    Block,
    Bullets,
    Facts,
    Inline,
    Run,
    Table,
)


def contact(bld: Builder) -> list[Block]:
    spec, contact = bld.spec, bld.spec.contact
    blocks: list[Block] = [para(bld.t(labels.CONTACT_INTRO))]
    operator_rows: list[tuple[str, Inline]] = []
    if spec.operator.name is not None:
        operator_rows.append((bld.t(labels.FACT_OPERATOR), runs(bld.label(spec.operator.name))))
    if spec.operator.address is not None:
        operator_rows.append((bld.t(labels.FACT_ADDRESS), runs(bld.label(spec.operator.address))))
    if contact.dpo is not None:
        dpo = bld.label(contact.dpo.department)
        if contact.dpo.contact is not None:
            dpo += bld.t(labels.COLON) + labels.one_line(contact.dpo.contact)
        operator_rows.append((bld.t(labels.CONTACT_DPO), runs(dpo)))
    if operator_rows:
        blocks.append(Facts(tuple(operator_rows)))
    if contact.channels:
        rows = []
        for channel in contact.channels:
            kind = bld.enum(channel.kind)
            name = bld.label(channel.label) if channel.label is not None else ""
            details = [name if name != kind else "", labels.one_line(channel.value or "")]
            rows.append(
                (
                    runs(Run(kind, strong=True)),
                    bld.cell(bld.t(labels.COLON).join(d for d in details if d)),
                    runs(bld.join([bld.enum(use) for use in channel.uses])),
                )
            )
        blocks.append(Table(tuple(bld.t(h) for h in labels.CONTACT_HEADERS), tuple(rows)))
    else:
        blocks.append(para(bld.t(labels.CONTACT_NONE), note=True))
    if contact.dpo is None:
        blocks.append(para(bld.t(labels.CONTACT_NO_DPO), note=True))
    if contact.response is not None:
        msg = (
            labels.CONTACT_RESPONSE_VERIFIED
            if contact.response_after == "identity_verified"
            else labels.CONTACT_RESPONSE_RECEIPT
        )
        blocks.append(para(bld.t(msg, period=bld.dur(contact.response))))
    else:
        blocks.append(para(bld.t(labels.CONTACT_NO_RESPONSE)))
    return blocks


def supplementary(bld: Builder) -> list[Block]:
    items = []
    for notice in bld.spec.scope.supplementary_notices:
        text = [bld.prose(notice.text) if notice.text is not None else ""]
        text.append(bld.t(labels.SUPPLEMENTARY_PREVAILS if notice.prevails else labels.SUPPLEMENTARY_SUBORDINATE))
        head = Run(bld.capital(bld.label(notice.product)), strong=True)
        items.append(runs(head, bld.t(labels.COLON), bld.sentences(text)))
    return [Bullets(tuple(items))]
