"""The explanation of processing rules (PIPL Art. 48): complete, honest where the policy is silent, repeatable.

Every example policy is explained field by field in both languages, and each
paragraph is checked against the spec it came from: the retention, the legal
basis and every recipient the spec links to the field must be in the words a
person reads.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yinsi.core.explain import ExplainLang, FieldExplanation, explain_fields
from yinsi.core.policy import labels as L
from yinsi.core.policy import law
from yinsi.core.policy.load import load_policy_file
from yinsi.core.policy.model import PolicySpec
from yinsi.core.policy.vocabulary import LegalBasis

ROOT = Path(__file__).resolve().parents[2]
SPECS = [*sorted((ROOT / "examples" / "policies").glob("*.yaml")), ROOT / "tests" / "fixtures" / "clinic.yaml"]
LANGS: tuple[ExplainLang, ...] = ("zh-CN", "en")
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\u3000-\u303f\uff00-\uffef]")


def _load(path: Path) -> PolicySpec:
    spec = load_policy_file(path).spec
    assert spec is not None, path
    return spec


LOADED = {path.name: _load(path) for path in SPECS}


def _small_spec(**changes: Any) -> PolicySpec:
    """Two fields, one sensitive without stated necessity; no recipients unless ``changes`` add them."""
    data: dict[str, Any] = {
        "policy": {"id": "small", "version": "1", "title": {"zh-CN": "小政策", "en": "Small policy"}},
        "operator": {"name": {"zh-CN": "小公司", "en": "Small Co"}},
        "contact": {},
        "storage": {"region": "CN", "cross_border": {"rule": "prohibited"}},
        "fields": {
            "mobile": {"type": "mobile", "label": {"zh-CN": "手机号码", "en": "Mobile number"}, "category": "basic"},
            "location": {
                "type": "location",
                "label": {"zh-CN": "位置信息", "en": "Location"},
                "category": "location",
                "sensitivity": "sensitive",
            },
        },
        "purposes": {
            "login": {
                "label": {"zh-CN": "登录", "en": "Login"},
                "function": "basic",
                "legal_basis": "contract",
                "fields": ["mobile"],
                "retention": {"until": "account_cancellation"},
            },
            "nearby": {
                "label": {"zh-CN": "附近门店", "en": "Nearby shops"},
                "function": "additional",
                "legal_basis": "consent",
                "separate_consent": True,
                "fields": ["location", "mobile"],
                "retention": {"period": "6 months"},
            },
        },
    }
    data.update(changes)
    return PolicySpec.model_validate(data)


def _expected_retention(spec: PolicySpec, purpose_id: str, lang: str) -> str:
    retention = spec.purposes[purpose_id].retention
    if retention.period is not None:
        return L.duration(retention.period, lang)
    assert retention.until is not None
    return L.label(retention.until, lang)


# --------------------------------------------------------------------------- every example, both languages


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", list(LOADED))
def test_every_field_of_every_example_is_explained(name: str, lang: ExplainLang) -> None:
    spec = LOADED[name]
    explained = explain_fields(spec, lang)

    assert [e.field for e in explained] == list(spec.fields)
    for item in explained:
        field = spec.fields[item.field]
        text = item.text
        assert text.strip(), item.field
        assert item.label == field.label.get(lang).strip()
        assert item.sensitive == (field.sensitivity.value == "sensitive")
        assert [p.purpose for p in item.purposes] == [pid for pid, p in spec.purposes.items() if item.field in p.fields]
        for purpose in item.purposes:
            declared = spec.purposes[purpose.purpose]
            assert purpose.label in text
            assert _expected_retention(spec, purpose.purpose, lang) in text
            assert purpose.retention.removesuffix(" ") in text
            assert L.label(declared.legal_basis, lang).lower() in text.lower()
            assert purpose.needs_consent == (declared.legal_basis is LegalBasis.CONSENT)
            # Separate consent as the spec says, or as the law requires whatever the spec says (PIPL Art. 26, 29).
            needs_separate = declared.separate_consent or bool(law.purpose_articles(spec, purpose.purpose))
            assert purpose.separate_consent == (declared.legal_basis is LegalBasis.CONSENT and needs_separate)
            for recipient in purpose.recipients:
                assert recipient in text
        for recipient in spec.recipients.values():
            if item.field in recipient.fields:
                assert recipient.name.get(lang).strip() in text, (item.field, recipient.name)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", list(LOADED))
def test_sensitive_fields_state_necessity_and_impact(name: str, lang: ExplainLang) -> None:
    spec = LOADED[name]
    for item in explain_fields(spec, lang):
        field = spec.fields[item.field]
        if not item.sensitive:
            assert ("属于敏感个人信息" if lang == "zh-CN" else "This is sensitive") not in item.text
            continue
        for statement in (field.necessity, field.impact):
            expected = statement.get(lang) if statement is not None else L.NOT_STATED.get(lang)
            assert " ".join(expected.split())[:12] in item.text


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", list(LOADED))
def test_fields_nobody_receives_say_so(name: str, lang: ExplainLang) -> None:
    spec = LOADED[name]
    none = "不向第三方提供" if lang == "zh-CN" else "do not provide"
    for item in explain_fields(spec, lang):
        linked = [
            r
            for r in spec.recipients.values()
            if item.field in r.fields
            or (not r.fields and (not r.purposes or any(p.purpose in r.purposes for p in item.purposes)))
        ]
        assert (none in item.text) == (not linked), item.field


# --------------------------------------------------------------------------- the words


def test_the_chinese_text_reads_as_a_person_would_be_told() -> None:
    (mobile,) = explain_fields(_small_spec(), "zh-CN", ["mobile"])

    assert mobile.text == (
        "我们出于以下目的处理您的手机号码。"
        "用于“登录”（基本业务功能）：依据是为订立、履行您作为一方当事人的合同所必需；保存至您注销账号。"
        "用于“附近门店”（扩展业务功能）：依据是取得您的同意（我们会单独征求您的同意）；保存 6 个月，之后删除。"
        "基于您的同意进行的处理，您可以随时撤回同意；撤回不影响撤回前已经进行的处理。"
        "我们不向第三方提供您的手机号码。"
    )


def test_the_english_text_reads_as_a_person_would_be_told() -> None:
    (mobile,) = explain_fields(_small_spec(), "en", ["mobile"])

    assert mobile.text == (
        "We hold your mobile number for the purposes below. "
        'For "Login" (basic function). Legal basis: necessary to conclude or perform a contract to which you are '
        "a party. Kept until you cancel your account. "
        'For "Nearby shops" (additional function). Legal basis: your consent (we ask for your separate consent). '
        "Kept for 6 months, then deleted. "
        "Where we rely on your consent, you can withdraw it at any time; this does not affect what was done before. "
        "We do not provide your mobile number to third parties."
    )
    assert not CJK.search(mobile.text)


def test_the_structured_facts_match_the_spec() -> None:
    (mobile,) = explain_fields(_small_spec(), "zh-CN", ["mobile"])

    login, nearby = mobile.purposes
    assert (login.purpose, login.label, login.function) == ("login", "登录", "基本业务功能")
    assert login.retention == "至您注销账号"
    assert nearby.retention == "6 个月，之后删除"
    assert nearby.legal_basis == "取得您的同意"
    assert (login.needs_consent, nearby.needs_consent, nearby.separate_consent) == (False, True, True)
    assert login.recipients == nearby.recipients == []


def test_a_sensitive_field_without_stated_necessity_says_the_policy_is_silent() -> None:
    (zh,) = explain_fields(_small_spec(), "zh-CN", ["location"])
    (en,) = explain_fields(_small_spec(), "en", ["location"])

    assert zh.sensitive
    assert "位置信息属于敏感个人信息。处理的必要性：本政策未写明。对您个人权益的影响：本政策未写明。" in zh.text
    assert "This is sensitive personal information. Why it is necessary: Not stated in this policy." in en.text


def test_named_recipients_come_with_their_kind_region_and_consent() -> None:
    spec = _small_spec(
        recipients={
            "sms": {
                "kind": "processor",
                "name": {"zh-CN": "短信服务商", "en": "SMS provider"},
                "fields": ["mobile"],
                "purposes": ["login"],
            },
            "maps": {
                "kind": "sdk",
                "name": {"zh-CN": "地图 SDK", "en": "Map SDK"},
                "fields": ["location"],
                "region": "US",
                "separate_consent": True,
            },
        }
    )
    mobile, location = explain_fields(spec, "zh-CN")

    assert "我们会向以下接收方提供您的手机号码。受托处理者：短信服务商。" in mobile.text
    assert [p.recipients for p in mobile.purposes] == [["短信服务商"], []]
    assert "第三方 SDK：地图 SDK（美国，需要您的单独同意）。" in location.text
    assert [p.recipients for p in location.purposes] == [["地图 SDK"]]
    (en,) = explain_fields(spec, "en", ["location"])
    assert "Third-party SDK: Map SDK (the United States, with your separate consent)." in en.text


def test_a_recipient_that_does_not_say_what_it_receives_is_named_as_possible() -> None:
    spec = _small_spec(
        recipients={
            "affiliates": {"kind": "affiliate", "name": {"zh-CN": "关联公司甲", "en": "Affiliate A"}},
            "courts": {
                "kind": "authority",
                "name": {"zh-CN": "法院", "en": "Courts"},
                "purposes": ["nearby"],
            },
        }
    )
    mobile, location = explain_fields(spec, "zh-CN")

    for item in (mobile, location):
        assert "本政策未写明向哪个接收方提供" in item.text
        # An affiliate is another processor: the law asks the person's separate consent (PIPL Art. 23).
        assert "关联公司：关联公司甲（需要您的单独同意）；国家机关：法院。" in item.text
        assert "不向第三方提供" not in item.text
    assert [p.recipients for p in mobile.purposes] == [["关联公司甲"], ["关联公司甲", "法院"]]


def test_not_providing_is_qualified_when_the_policy_lists_disclosures_without_consent() -> None:
    spec = _small_spec(sharing={"exceptions": ["court_order"]})

    (zh,) = explain_fields(spec, "zh-CN", ["mobile"])
    (en,) = explain_fields(spec, "en", ["mobile"])

    assert "除本政策列明的无需征得您同意的情形外，我们不向第三方提供您的手机号码。" in zh.text
    assert "Apart from the cases this policy lists where no consent is needed, we do not provide" in en.text


def test_a_legal_basis_note_and_legal_minimum_are_part_of_the_answer() -> None:
    spec = _small_spec(
        purposes={
            "logs": {
                "label": {"zh-CN": "网络日志", "en": "Network logs"},
                "function": "basic",
                "legal_basis": "legal_obligation",
                "legal_basis_note": {"zh-CN": "《网络安全法》第二十一条", "en": "Cybersecurity Law Art. 21"},
                "fields": ["mobile", "location"],
                "retention": {"period": "6 months", "legal_minimum": "6 months"},
            }
        }
    )
    (zh,) = explain_fields(spec, "zh-CN", ["mobile"])
    (en,) = explain_fields(spec, "en", ["mobile"])

    assert "依据是为履行法定职责或者法定义务所必需（《网络安全法》第二十一条）" in zh.text
    assert "保存 6 个月，之后删除；法律规定至少保存 6 个月。" in zh.text
    assert "基于您的同意" not in zh.text
    assert (
        "(Cybersecurity Law Art. 21). Kept for 6 months, then deleted; the law requires at least 6 months." in en.text
    )


def test_a_label_that_already_says_whose_is_not_doubled() -> None:
    spec = _small_spec(
        fields={
            "posts": {"type": "free_text", "label": {"zh-CN": "您发布的信息", "en": "Your posts"}, "category": "other"}
        },
        purposes={
            "publishing": {
                "label": {"zh-CN": "发布", "en": "Publishing"},
                "function": "basic",
                "legal_basis": "contract",
                "fields": ["posts"],
                "retention": {"until": "account_cancellation"},
            }
        },
    )
    (zh,) = explain_fields(spec, "zh-CN")
    (en,) = explain_fields(spec, "en")

    assert zh.text.startswith("我们出于以下目的处理您发布的信息。")
    assert en.text.startswith("We hold your posts for the purposes below.")


# --------------------------------------------------------------------------- choosing fields, refusing unknowns


def test_fields_can_be_chosen_and_keep_the_order_asked_for() -> None:
    spec = LOADED["clinic.yaml"]
    chosen = ["id_number", "mobile"]

    assert [e.field for e in explain_fields(spec, "en", chosen)] == chosen
    assert [e.field for e in explain_fields(spec, "en", ["mobile", "mobile"])] == ["mobile"]
    assert explain_fields(spec, "en", []) == []


def test_an_unknown_field_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="no_such_field"):
        explain_fields(LOADED["clinic.yaml"], "zh-CN", ["mobile", "no_such_field"])


def test_an_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="zh-TW"):
        explain_fields(LOADED["clinic.yaml"], "zh-TW", None)  # type: ignore[arg-type]


@pytest.mark.parametrize("lang", LANGS)
def test_the_same_question_always_gets_the_same_answer(lang: ExplainLang) -> None:
    for path in SPECS:
        first: list[FieldExplanation] = explain_fields(LOADED[path.name], lang)
        again = explain_fields(_load(path), lang)
        assert first == again


@settings(max_examples=50, deadline=None)
@given(
    name=st.sampled_from(sorted(LOADED)),
    lang=st.sampled_from(LANGS),
    data=st.data(),
)
def test_any_selection_of_fields_is_explained_alone_as_in_the_whole(
    name: str, lang: ExplainLang, data: st.DataObject
) -> None:
    spec = LOADED[name]
    chosen = data.draw(st.lists(st.sampled_from(list(spec.fields)), max_size=6))
    whole = {e.field: e for e in explain_fields(spec, lang)}

    explained = explain_fields(spec, lang, chosen)

    assert [e.field for e in explained] == list(dict.fromkeys(chosen))
    assert all(e == whole[e.field] for e in explained)
