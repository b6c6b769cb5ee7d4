"""The header facts, the introduction and the preamble: who the operator is and what the policy covers."""

from __future__ import annotations

from yinsi.core.policy import labels
from yinsi.core.policy.render.builder import (
    Builder,
    bullets,
    para,
    runs,
)
from yinsi.core.policy.render.document import (
    Block,
    Facts,
    Inline,
    Section,
)


def facts(bld: Builder) -> Facts:
    info, operator = bld.spec.policy, bld.spec.operator
    rows: list[tuple[str, Inline]] = []
    if info.product is not None:
        rows.append((bld.t(labels.FACT_PRODUCT), runs(bld.capital(bld.label(info.product)))))
    name = bld.label(operator.name) if operator.name is not None else bld.t(labels.NOT_STATED)
    rows.append((bld.t(labels.FACT_OPERATOR), runs(name)))
    if operator.app_operator is not None:
        rows.append((bld.t(labels.FACT_APP_OPERATOR), runs(bld.label(operator.app_operator))))
    if operator.address is not None:
        rows.append((bld.t(labels.FACT_ADDRESS), runs(bld.label(operator.address))))
    rows.append((bld.t(labels.FACT_VERSION), runs(info.version)))
    effective = (
        labels.date_text(info.effective_date, bld.lang) if info.effective_date is not None else bld.t(labels.NOT_STATED)
    )
    rows.append((bld.t(labels.FACT_EFFECTIVE), runs(effective)))
    if info.updated_date is not None:
        rows.append((bld.t(labels.FACT_UPDATED), runs(labels.date_text(info.updated_date, bld.lang))))
    if info.previous_version_date is not None:
        rows.append((bld.t(labels.FACT_PREVIOUS), runs(labels.date_text(info.previous_version_date, bld.lang))))
    if info.view_in_product is not None:
        rows.append((bld.t(labels.FACT_VIEW), runs(bld.label(info.view_in_product))))
    return Facts(tuple(rows))


def intro(bld: Builder) -> list[Block]:
    spec = bld.spec
    blocks: list[Block] = []
    if spec.policy.introduction is not None:
        blocks.append(para(bld.prose(spec.policy.introduction)))
    if spec.operator.name is not None:
        msg = labels.WE_ARE_WITH_AFFILIATES if spec.operator.includes_affiliates else labels.WE_ARE
        blocks.append(para(bld.t(msg, name=bld.label(spec.operator.name))))
    blocks.append(para(bld.t(labels.READ_CAREFULLY)))
    return blocks


def product(bld: Builder) -> str:
    product = bld.spec.policy.product
    return bld.label(product) if product is not None else bld.t(labels.PRODUCT_FALLBACK)


def preamble(bld: Builder) -> list[Section]:
    spec, scope = bld.spec, bld.spec.scope
    first = (
        bld.t(
            labels.SCOPE_CHANNELS,
            channels=bld.join([bld.enum(c) for c in scope.channels], "or"),
            product=product(bld),
        )
        if scope.channels
        else bld.t(labels.SCOPE_NO_CHANNELS, product=product(bld))
    )
    people = {
        (True, True): labels.SCOPE_BOTH,
        (True, False): labels.SCOPE_REGISTERED,
        (False, True): labels.SCOPE_VISITORS,
    }.get((scope.registered_users is True, scope.visitors))
    scope_blocks: list[Block] = [para(bld.sentences([first, bld.t(people) if people else ""]))]
    if scope.third_party_services_excluded is True:
        scope_blocks.append(para(bld.t(labels.SCOPE_THIRD_PARTY)))
    if scope.excluded:
        scope_blocks.append(para(bld.t(labels.SCOPE_EXCLUDED)))
        scope_blocks.append(bullets([bld.prose(item) for item in scope.excluded]))
    if scope.supplementary_notices:
        products = bld.join([bld.label(n.product) for n in scope.supplementary_notices])
        scope_blocks.append(
            para(bld.t(labels.SCOPE_SUPPLEMENTARY, products=products, title=bld.t(labels.SEC_SUPPLEMENTARY)))
        )
    sections = [Section("scope", bld.t(labels.SEC_SCOPE), tuple(scope_blocks))]

    terms = (
        (labels.TERM_PI, labels.TERM_PI_TEXT),
        (labels.TERM_SENSITIVE, labels.TERM_SENSITIVE_TEXT),
        (labels.TERM_DEIDENTIFIED, labels.TERM_DEIDENTIFIED_TEXT),
        (labels.TERM_ANONYMISED, labels.TERM_ANONYMISED_TEXT),
    )
    definitions = Facts(tuple((bld.t(term), runs(bld.t(text))) for term, text in terms))
    sections.append(Section("definitions", bld.t(labels.SEC_DEFINITIONS), (definitions,)))

    if spec.principles:
        principles: tuple[Block, ...] = (
            para(bld.t(labels.PRINCIPLES_INTRO)),
            bullets([bld.enum(p) for p in spec.principles]),
        )
        sections.append(Section("principles", bld.t(labels.SEC_PRINCIPLES), principles))
    return sections
