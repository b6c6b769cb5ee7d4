"""Sharing on a real store: de-identified provisions, transfers abroad, ended entrustments (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from tests.conftest import ROOT, Backend, Clock
from tests.support.consent import accept_policy, act
from yinsi.adapters.db.rows import ProvisionRow, RecipientNoticeRow, table_of
from yinsi.adapters.notify.console import open_outbox_message
from yinsi.bootstrap import Yinsi, open_yinsi
from yinsi.core.errors import AccessDenied, Conflict
from yinsi.core.export import build_export, read_export
from yinsi.core.policy.compiled import CompiledPolicy
from yinsi.core.policy.load import load_policy_text
from yinsi.services.consent import Kind
from yinsi.services.vault import Actor

APP = Actor("key:app", "clinic_app")
OFFICER = Actor("staff:officer", "privacy_officer")
ID_NUMBER = "11010519491231002X"  # a valid test number (born 1949-12-31)

SHARING_RECIPIENTS = """\
  research_partner:
    kind: partner
    name: {zh-CN: 科研合作方, en: Research partner}
    purposes: [real_name_visit]
    fields: [id_number, name]
    agreement: true
    separate_consent: true
    deidentified: true
    deidentify: {id_number: age_band, name: pseudonym}
  survey_partner:
    kind: partner
    name: {zh-CN: 调查合作方, en: Survey partner}
    purposes: [real_name_visit, registration]
    fields: [id_number, name, home_address]
    agreement: true
    separate_consent: true
    deidentified: true
    deidentify: {id_number: birth_year, name: pseudonym, home_address: city}
    deletion_channel: https://survey.example/delete
  overseas_lab:
    kind: partner
    name: {zh-CN: 境外实验室, en: Overseas laboratory}
    purposes: [real_name_visit]
    fields: [name]
    region: US
    agreement: true
    separate_consent: true
    cross_border_consent: true
    transfer_mechanism: standard_contract
  overseas_unnamed:
    kind: partner
    name: {zh-CN: 未写明出境条件的境外方, en: Abroad without a mechanism}
    purposes: [real_name_visit]
    fields: [name]
    region: HK
    separate_consent: true
    cross_border_consent: true
"""


def _sharing_clinic(cross_border: str = "law_or_separate_consent") -> CompiledPolicy:
    text = (ROOT / "tests" / "fixtures" / "clinic.yaml").read_text(encoding="utf-8")
    for old, new in [
        ("  cross_border: {rule: prohibited}", f"  cross_border: {{rule: {cross_border}}}"),
        (
            "fields:\n  mobile:\n",
            "fields:\n  home_address:\n    type: address\n    label: {zh-CN: 住址, en: Home address}\n"
            "    category: basic\n  mobile:\n",
        ),
        ("    fields: [mobile, name, email]\n", "    fields: [mobile, name, email, home_address]\n"),
        (
            "fields: {mobile: masked, name: whole, email: masked,",
            "fields: {home_address: whole, mobile: masked, name: whole, email: masked,",
        ),
        ("recipients:\n", f"recipients:\n{SHARING_RECIPIENTS}"),
    ]:
        assert old in text, old
        text = text.replace(old, new, 1)
    result = load_policy_text(text, "sharing-clinic.yaml")
    assert result.spec is not None, [p.format("en") for p in result.errors]
    return CompiledPolicy.from_spec(result.spec)


@pytest.fixture
def sharing(backend: Backend, clock: Clock) -> Iterator[Yinsi]:
    instance = open_yinsi(backend.settings, migrate=False, policy=_sharing_clinic(), now=clock)
    yield instance
    instance.close()


def _patient(yinsi: Yinsi, *, consents: tuple[str, ...] = ()) -> str:
    subject = yinsi.vault.create_subject(actor=APP)
    accept_policy(yinsi, subject)
    yinsi.vault.write(
        actor=APP,
        subject_id=subject,
        purpose="real_name_visit",
        values={"name": "张三", "id_number": ID_NUMBER},
        source="app",
    )
    yinsi.vault.write(
        actor=APP,
        subject_id=subject,
        purpose="registration",
        values={"home_address": "广东省广州市天河区体育西路 1 号", "mobile": "13912345678"},
        source="app",
    )
    for recipient in consents:
        act(yinsi, subject, Kind.SEPARATE, f"recipient.{recipient}")
    return subject


def _give(yinsi: Yinsi, subject: str, recipient: str, fields: list[str], purpose: str = "real_name_visit"):  # type: ignore[no-untyped-def]
    return yinsi.provisions.provide(actor=APP, subject_id=subject, recipient=recipient, purpose=purpose, fields=fields)


def test_deidentified_recipients_get_generalised_values_and_pseudonyms_of_their_own(sharing: Yinsi) -> None:
    subject = _patient(sharing, consents=("research_partner", "survey_partner"))
    research = _give(sharing, subject, "research_partner", ["id_number", "name"])
    survey = _give(sharing, subject, "survey_partner", ["id_number", "name"])
    address = _give(sharing, subject, "survey_partner", ["home_address"], purpose="registration")
    assert research.values["id_number"] == "70-79"
    assert survey.values["id_number"] == "1949"
    assert address.values == {"home_address": "广东省广州市"}
    # The same person: a different pseudonym (of them, and of their name) at each recipient, the same one again.
    assert research.subject_ref != survey.subject_ref
    assert research.values["name"] != survey.values["name"]
    assert survey.subject_ref == address.subject_ref
    assert subject not in (research.subject_ref, survey.subject_ref)
    assert "张三" not in str(research.values) + str(survey.values)
    assert _give(sharing, subject, "research_partner", ["name"]).values == {"name": research.values["name"]}
    with sharing.engine.connect() as connection:
        stored = connection.execute(
            select(table_of(ProvisionRow)).where(table_of(ProvisionRow).c.id == research.id)
        ).one()
    assert stored.details["deidentified"] == {"id_number": "age_band", "name": "pseudonym"}
    assert stored.details["basis"] == "separate_consent"


def test_without_the_separate_consent_a_partner_gets_nothing(sharing: Yinsi) -> None:
    subject = _patient(sharing)
    with pytest.raises(AccessDenied) as refused:
        _give(sharing, subject, "research_partner", ["name"])
    assert refused.value.code == "separate_consent_required"
    with pytest.raises(AccessDenied) as undeclared:  # a field not declared for it, whatever the consent
        _give(sharing, subject, "overseas_lab", ["id_number"])
    assert undeclared.value.code == "field_not_for_recipient"


def test_a_transfer_abroad_needs_a_mechanism_the_spec_allows_and_separate_consent(sharing: Yinsi) -> None:
    subject = _patient(sharing, consents=("overseas_unnamed",))
    with pytest.raises(AccessDenied) as no_mechanism:
        _give(sharing, subject, "overseas_unnamed", ["name"])
    assert no_mechanism.value.code == "cross_border_not_allowed"
    with pytest.raises(AccessDenied) as no_consent:
        _give(sharing, subject, "overseas_lab", ["name"])
    assert no_consent.value.code == "separate_consent_required"
    act(sharing, subject, Kind.SEPARATE, "recipient.overseas_lab")
    done = _give(sharing, subject, "overseas_lab", ["name"])
    assert (done.mechanism, done.basis) == ("standard_contract", "separate_consent")
    [record] = sharing.provisions.records(actor=OFFICER, recipient="overseas_lab")
    assert (record.details["mechanism"], record.details["region"]) == ("standard_contract", "US")
    transfers = sharing.audit.events(sharing.engine, subject=subject, action="pi-transferred-abroad", limit=10)
    assert [e["details"]["mechanism"] for e in transfers] == ["standard_contract"]
    with sharing.engine.connect() as connection:  # the person's copy says where it went, and on what
        copy = read_export(build_export(sharing.rights.bundle(connection, subject)))
    assert [(p["recipient"], p["basis"], p["region"], p["transfer_mechanism"]) for p in copy["provisions.json"]] == [
        ("overseas_lab", "separate_consent", "US", "standard_contract")
    ]


def test_a_spec_that_forbids_transfers_abroad_refuses_them_even_with_consent(backend: Backend, clock: Clock) -> None:
    with open_yinsi(backend.settings, migrate=False, policy=_sharing_clinic("prohibited"), now=clock) as yinsi:
        subject = _patient(yinsi, consents=("overseas_lab",))
        with pytest.raises(AccessDenied) as refused:
            _give(yinsi, subject, "overseas_lab", ["name"])
        assert refused.value.code == "cross_border_not_allowed"


def test_ending_an_entrustment_demands_deletion_through_its_channel_and_records_the_confirmation(
    sharing: Yinsi,
) -> None:
    subject = _patient(sharing)
    _give(sharing, subject, "sms_gateway", ["mobile"], purpose="registration")
    with pytest.raises(Conflict):  # a partner is not entrusted: nothing to end
        sharing.entrustments.end_entrustment(recipient="research_partner", actor=OFFICER)
    with pytest.raises(AccessDenied):  # only a role that handles requests may end one
        sharing.entrustments.end_entrustment(recipient="sms_gateway", actor=APP)
    ending = sharing.entrustments.end_entrustment(recipient="sms_gateway", actor=OFFICER)
    assert ending.notice_status == "pending"
    with pytest.raises(AccessDenied) as ended:
        _give(sharing, subject, "sms_gateway", ["mobile"], purpose="registration")
    assert ended.value.code == "entrustment_ended"
    with pytest.raises(Conflict):
        sharing.entrustments.end_entrustment(recipient="sms_gateway", actor=OFFICER)

    assert sharing.services.recipient_notices.deliver_pending().sent == 1
    with sharing.engine.connect() as connection:
        notice = connection.execute(
            select(table_of(RecipientNoticeRow)).where(table_of(RecipientNoticeRow).c.id == ending.notice_id)
        ).one()
    assert (notice.kind, notice.channel, notice.status) == ("end_entrustment", "https://sms.example/delete", "sent")
    [entry] = sharing.outbox.latest(5, "recipient")
    message = open_outbox_message(sharing.keyring.secret("outbox"), entry.sealed)
    assert "删除我们委托贵方处理的全部个人信息" in message.body

    confirmed = sharing.entrustments.confirm_deletion(ending_id=ending.id, reference="SMS-DEL-2026-1", actor=OFFICER)
    assert confirmed.confirmation == "SMS-DEL-2026-1"
    [listed] = sharing.entrustments.endings()
    assert (listed.notice_status, listed.confirmation) == ("sent", "SMS-DEL-2026-1")
    actions = [e["action"] for e in sharing.audit.events(sharing.engine, subject=None, action=None, limit=50)]
    for action in (
        "entrustment-ended",
        "processor-told-to-delete",
        "recipient-notice-sent",
        "processor-deletion-confirmed",
    ):
        assert action in actions


CANDIDATE_FIELDS = ["name", "id_number", "mobile", "email", "home_address", "dental_notes", "bank_card"]
CANDIDATE_RECIPIENTS = ["research_partner", "survey_partner", "overseas_lab", "sms_gateway", "insurer", "nobody"]
CANDIDATE_PURPOSES = ["real_name_visit", "registration", "treatment", "payment", "newsletter"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    recipient=st.sampled_from(CANDIDATE_RECIPIENTS),
    purpose=st.sampled_from(CANDIDATE_PURPOSES),
    fields=st.lists(st.sampled_from(CANDIDATE_FIELDS), min_size=1, max_size=4, unique=True),
)
def test_no_provision_carries_a_field_or_purpose_not_declared_for_its_recipient(
    sharing: Yinsi, recipient: str, purpose: str, fields: list[str]
) -> None:
    subject = _patient(sharing, consents=("research_partner", "survey_partner", "overseas_lab", "insurer"))
    declared = sharing.policy.current().spec.recipients.get(recipient)
    try:
        done = _give(sharing, subject, recipient, fields, purpose=purpose)
    except AccessDenied:
        return
    assert declared is not None
    assert purpose in declared.purposes
    assert set(done.values) <= set(declared.fields)
    [record] = [r for r in sharing.provisions.records(actor=OFFICER, subject_id=subject) if r.id == done.id]
    assert set(record.fields) <= set(declared.fields)
    assert record.purpose in declared.purposes


def _stored_in_hong_kong(mechanism: str | None) -> CompiledPolicy:
    text = (ROOT / "tests" / "fixtures" / "clinic.yaml").read_text(encoding="utf-8")
    extra = f", mechanism: {mechanism}" if mechanism else ""
    text = text.replace(
        "  region: CN\n  cross_border: {rule: prohibited}",
        f"  region: HK\n  cross_border: {{rule: law_or_separate_consent{extra}}}",
        1,
    )
    result = load_policy_text(text, "hk-clinic.yaml")
    assert result.spec is not None, [p.format("en") for p in result.errors]
    return CompiledPolicy.from_spec(result.spec)


def test_storage_outside_mainland_china_needs_a_mechanism_and_the_persons_separate_consent(
    backend: Backend, clock: Clock
) -> None:
    values = {"name": "张三"}
    with open_yinsi(backend.settings, migrate=False, policy=_stored_in_hong_kong(None), now=clock) as yinsi:
        subject = yinsi.vault.create_subject(actor=APP)
        accept_policy(yinsi, subject)
        with pytest.raises(AccessDenied) as no_mechanism:
            yinsi.vault.write(actor=APP, subject_id=subject, purpose="registration", values=values, source="app")
        assert no_mechanism.value.code == "cross_border_not_allowed"
    with open_yinsi(
        backend.settings, migrate=False, policy=_stored_in_hong_kong("standard_contract"), now=clock
    ) as yinsi:
        with pytest.raises(AccessDenied) as no_consent:
            yinsi.vault.write(actor=APP, subject_id=subject, purpose="registration", values=values, source="app")
        assert no_consent.value.code == "separate_consent_required"
        act(yinsi, subject, Kind.SEPARATE, "cross_border.storage")
        yinsi.vault.write(actor=APP, subject_id=subject, purpose="registration", values=values, source="app")
        [written] = yinsi.audit.events(yinsi.engine, subject=subject, action="pi-written", limit=1)
        assert written["details"] == {"source": "app", "transfer_mechanism": "standard_contract", "region": "HK"}


def test_a_de_identified_recipient_is_told_to_delete_by_its_own_pseudonym(sharing: Yinsi) -> None:
    from yinsi.core.requests import RequestType
    from yinsi.services.rights import Filing

    subject = _patient(sharing, consents=("survey_partner",))
    given = _give(sharing, subject, "survey_partner", ["name"])
    done = sharing.rights.file(subject=subject, kind=RequestType.CANCEL_ACCOUNT, filing=Filing(), by=subject)
    assert done.answer is not None
    assert "survey_partner" in done.answer["recipients_told"]
    assert sharing.services.recipient_notices.deliver_pending().failed == 0
    bodies = [
        open_outbox_message(sharing.keyring.secret("outbox"), e.sealed) for e in sharing.outbox.latest(10, "recipient")
    ]
    [to_survey] = [m for m in bodies if m.to == "https://survey.example/delete"]
    assert given.subject_ref in to_survey.body
    assert subject not in to_survey.body  # it never had the subject id, and does not learn it now
