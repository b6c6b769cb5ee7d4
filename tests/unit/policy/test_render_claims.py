"""A property of every rendering: it makes no legal claim the law contradicts and no promise the spec lacks.

For any spec Hypothesis can build, no rendering says a separate consent is not needed where PIPL requires
one (Art. 23, 25, 26, 29, 39), and none states a storage region, a retention or a transfer rule the spec
does not state.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from yinsi.core.policy import labels as L
from yinsi.core.policy import law
from yinsi.core.policy.model import PolicySpec
from yinsi.core.policy.render import render_policy
from yinsi.core.policy.vocabulary import CrossBorderRule, RetentionEnd

FIELDS = [f"f{i}" for i in range(4)]

field_st = st.fixed_dictionaries(
    {
        "type": st.just("free_text"),
        "category": st.sampled_from(["basic", "health", "location"]),
        "sensitivity": st.sampled_from(["general", "sensitive"]),
        "public_place": st.booleans(),
    }
)
retention_st = st.one_of(
    st.just("unstated"),
    st.fixed_dictionaries({"until": st.sampled_from(["account_cancellation", "purpose_fulfilled"])}),
    st.fixed_dictionaries({"period": st.sampled_from(["30 days", "6 months", "3 years"])}),
)
purpose_st = st.fixed_dictionaries(
    {
        "function": st.sampled_from(["basic", "additional"]),
        "legal_basis": st.sampled_from(["consent", "contract", "legal_obligation"]),
        "fields": st.lists(st.sampled_from(FIELDS), min_size=1, max_size=3, unique=True),
        "retention": retention_st,
    },
    optional={"separate_consent": st.just(True)},
)
recipient_st = st.fixed_dictionaries(
    {"kind": st.sampled_from(["affiliate", "processor", "sdk", "partner", "authority"])},
    optional={
        "region": st.sampled_from(["CN", "US", "abroad", "worldwide"]),
        "separate_consent": st.just(True),
        "deidentified": st.booleans(),
    },
)
disclosure_st = st.fixed_dictionaries(
    {"fields": st.lists(st.sampled_from(FIELDS), min_size=1, max_size=2, unique=True)},
    optional={
        "legal_basis": st.sampled_from(["consent", "legal_obligation"]),
        "default_on": st.booleans(),
        "separate_consent": st.just(True),
    },
)


@st.composite
def specs(draw: st.DrawFn) -> PolicySpec:
    purposes = draw(st.lists(purpose_st, min_size=1, max_size=3))
    used = {f for p in purposes for f in p["fields"]}
    fields = {fid: {**draw(field_st), "label": f"字段{fid}"} for fid in FIELDS if fid in used}
    purpose_map = {f"p{i}": {**p, "label": f"目的P{i}"} for i, p in enumerate(purposes)}
    recipients = {}
    for i, drawn in enumerate(draw(st.lists(recipient_st, max_size=3))):
        purposes_of = draw(st.lists(st.sampled_from(list(purpose_map)), max_size=2))
        recipients[f"r{i}"] = {**drawn, "name": f"接收方R{i}", "purposes": purposes_of}
    disclosures = {
        f"d{i}": {**d, "label": f"公开D{i}", "fields": [f for f in d["fields"] if f in used] or [next(iter(used))]}
        for i, d in enumerate(draw(st.lists(disclosure_st, max_size=2)))
    }
    storage: dict[str, Any] = {"cross_border": {"rule": draw(st.sampled_from([r.value for r in CrossBorderRule]))}}
    if draw(st.booleans()):
        storage["region"] = draw(st.sampled_from(["CN", "SG"]))
    data = {
        "policy": {"id": "prop", "version": "1", "title": "性质测试"},
        "operator": {},
        "contact": {},
        "fields": fields,
        "purposes": purpose_map,
        "recipients": recipients,
        "public_disclosures": disclosures,
        "storage": storage,
    }
    return PolicySpec.model_validate(data)


def _row(text: str, label: str) -> str:
    return next(line for line in text.splitlines() if line.startswith("|") and f"**{label}" in line)


def _not_needed(lang: str) -> str:
    return L.NOT_NEEDED.get(lang)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(specs())
def test_no_rendering_contradicts_the_law_or_invents_a_promise(spec: PolicySpec) -> None:
    for lang in ("zh-CN", "en"):
        text = render_policy(spec, lang, "md")  # type: ignore[arg-type]
        # Separate consent: wherever the law requires it, the row says so and never "not required".
        needed = [(p.label.get(lang), law.purpose_articles(spec, pid)) for pid, p in spec.purposes.items()] + [
            (r.name.get(lang), law.recipient_articles(spec, rid)) for rid, r in spec.recipients.items()
        ]
        needed += [
            (d.label.get(lang), law.disclosure_articles(spec, did)) for did, d in spec.public_disclosures.items()
        ]
        for label, articles in needed:
            if not articles:
                continue
            cells = [c.strip() for c in _row(text, label).split("|")]
            assert _not_needed(lang) not in cells, (label, cells)
            assert any(law.names(articles, lang) in c for c in cells), (label, cells)
        # Storage region: never one the spec does not state.
        if spec.storage.region is None:
            assert L.STORAGE_REGION_UNSTATED.get(lang) in text
            region_cn = L.region("CN", lang)
            explicit_cn = any(r.region == "CN" for r in spec.recipients.values())
            if not explicit_cn:
                assert region_cn not in text.replace(L.region("abroad", lang), "")
        # Transfer rule: none rendered when the spec does not state one.
        rule = spec.storage.cross_border.rule
        for other, msg in (
            (CrossBorderRule.PROHIBITED, L.CROSS_PROHIBITED),
            (CrossBorderRule.LAW_OR_SEPARATE_CONSENT, L.CROSS_LAW_OR_CONSENT),
        ):
            if rule is not other:
                assert msg.get(lang) not in text
        if rule is not CrossBorderRule.MAY_TRANSFER:
            assert L.CROSS_MAY_TRANSFER.get(lang).split("{")[0] not in text
        # Retention: a purpose whose retention is unstated gets no period and no promise to delete.
        for p in spec.purposes.values():
            if p.retention.until is RetentionEnd.UNSTATED:
                cell = _row(text, p.label.get(lang)).split("|")[5]
                assert L.RETENTION_END[RetentionEnd.UNSTATED].get(lang).lower() in cell.lower()
                assert not any(ch.isdigit() for ch in cell)
                then = L.RETENTION_THEN[p.retention.on_expiry].get(lang).split("}")[1]
                assert then not in cell
