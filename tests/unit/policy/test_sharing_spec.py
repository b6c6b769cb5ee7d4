"""The spec keys of issue 11: additive (a spec without them digests as before) and checked."""

from __future__ import annotations

from tests.conftest import ROOT
from yinsi.core.policy.compiled import CompiledPolicy
from yinsi.core.policy.load import load_policy_text

CLINIC = (ROOT / "tests" / "fixtures" / "clinic.yaml").read_text(encoding="utf-8")


def test_a_spec_without_the_new_keys_dumps_without_them() -> None:
    result = load_policy_text(CLINIC, "clinic.yaml")
    assert result.spec is not None
    dumped = result.spec.model_dump(mode="json", by_alias=True)
    assert all("deidentify" not in r and "transfer_mechanism" not in r for r in dumped["recipients"].values())
    assert all("non_personalised_alternative" not in p for p in dumped["purposes"].values())
    assert "mechanism" not in dumped["storage"]["cross_border"]


def test_setting_a_new_key_changes_the_digest() -> None:
    before = load_policy_text(CLINIC, "clinic.yaml").spec
    text = CLINIC.replace(
        "    fields: [name]\n    agreement: true\n    separate_consent: true\n",
        "    fields: [name]\n    agreement: true\n    separate_consent: true\n    deidentify: {name: pseudonym}\n",
        1,
    )
    after = load_policy_text(text, "clinic.yaml").spec
    assert before is not None
    assert after is not None
    assert CompiledPolicy.from_spec(before).digest != CompiledPolicy.from_spec(after).digest


def test_deidentify_may_only_name_the_recipients_own_fields() -> None:
    text = CLINIC.replace(
        "    fields: [name]\n    agreement: true\n    separate_consent: true\n",
        "    fields: [name]\n    agreement: true\n    separate_consent: true\n    deidentify: {mobile: pseudonym}\n",
        1,
    )
    assert text != CLINIC
    result = load_policy_text(text, "clinic.yaml")
    assert result.spec is None
    [problem] = result.errors
    assert problem.code == "deidentify_field_not_provided"
    assert "mobile" in problem.format("en")
    assert "deidentify" in problem.format("zh-CN")


def test_a_method_outside_the_vocabulary_is_refused() -> None:
    text = CLINIC.replace(
        "    fields: [name]\n    agreement: true\n    separate_consent: true\n",
        "    fields: [name]\n    agreement: true\n    separate_consent: true\n    deidentify: {name: hash}\n",
        1,
    )
    result = load_policy_text(text, "clinic.yaml")
    assert result.spec is None
    assert any("pseudonym" in p.format("en") for p in result.errors)


def test_the_published_policy_names_a_transfers_mechanism_and_each_de_identification() -> None:
    from yinsi.core.policy.render import render_policy

    text = CLINIC.replace(
        "    fields: [name]\n    agreement: true\n    separate_consent: true\n",
        "    fields: [name]\n    agreement: true\n    separate_consent: true\n    region: US\n"
        "    cross_border_consent: true\n    transfer_mechanism: standard_contract\n"
        "    deidentify: {name: pseudonym}\n",
        1,
    )
    spec = load_policy_text(text.replace("{rule: prohibited}", "{rule: law_or_separate_consent}"), "c.yaml").spec
    assert spec is not None
    zh = render_policy(spec, "zh-CN", "md")
    en = render_policy(spec, "en", "md")
    assert "出境提供的法定条件：与境外接收方订立标准合同" in zh
    assert "姓名替换为该接收方专用的假名" in zh
    assert "legal basis of the transfer abroad: the standard contract with the recipient abroad" in en


def test_abroad_without_a_mechanism_is_warned_about() -> None:
    from yinsi.core.policy.check import check_spec

    text = CLINIC.replace(
        "    fields: [name]\n    agreement: true\n    separate_consent: true\n",
        "    fields: [name]\n    agreement: true\n    separate_consent: true\n    region: US\n    cross_border_consent: true\n",
        1,
    ).replace("  region: CN\n", "  region: HK\n", 1)
    spec = load_policy_text(text, "c.yaml").spec
    assert spec is not None
    codes = {f.code for f in check_spec(spec)}
    assert {"recipient_abroad_without_mechanism", "storage_abroad_without_mechanism"} <= codes
