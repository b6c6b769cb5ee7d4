"""Making PI public (公开) only as the spec declares it, on a real store (SQLite and PostgreSQL).

Before this, a spec's ``public_disclosures`` were rendered and checked, but nothing that ran held anyone to
them: these tests fail on the code before ``services.public_disclosures``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from tests.conftest import ROOT, Backend, Clock
from tests.support.consent import accept_policy, act
from yinsi.adapters.db.rows import PublicDisclosureRow, table_of
from yinsi.bootstrap import Yinsi, open_yinsi
from yinsi.core.errors import AccessDenied, BadRequest, NotFound
from yinsi.core.export import build_export, read_export
from yinsi.core.policy.compiled import CompiledPolicy
from yinsi.core.policy.load import load_policy_text
from yinsi.services.consent import Action, ConsentError, Kind
from yinsi.services.vault import Actor

APP = Actor("key:app", "clinic_app")
DESK = Actor("staff:desk", "front_desk")
OFFICER = Actor("staff:officer", "privacy_officer")
ID_NUMBER = "11010519491231002X"  # a valid test number (born 1949-12-31)
NAME = "张三"

DISCLOSURES = """
public_disclosures:
  reviews:
    label: {zh-CN: 就诊评价, en: Visit reviews}
    fields: [name]
    audience: {zh-CN: 网站的所有访问者, en: Every visitor of the website}
    separate_consent: true
  cohort:
    label: {zh-CN: 公开的研究样本, en: Published research sample}
    fields: [name, id_number]
    deidentified: true
    separate_consent: true
  court_notice:
    label: {zh-CN: 依法公示, en: Notice the law requires}
    fields: [name]
    legal_basis: legal_obligation
"""


def _policy() -> CompiledPolicy:
    text = (ROOT / "tests" / "fixtures" / "clinic.yaml").read_text(encoding="utf-8") + DISCLOSURES
    result = load_policy_text(text, "public-clinic.yaml")
    assert result.spec is not None, [p.format("en") for p in result.errors]
    return CompiledPolicy.from_spec(result.spec)


@pytest.fixture
def clinic(backend: Backend, clock: Clock) -> Iterator[Yinsi]:
    instance = open_yinsi(backend.settings, migrate=False, policy=_policy(), now=clock)
    yield instance
    instance.close()


def _patient(yinsi: Yinsi, *, consents: tuple[str, ...] = ()) -> str:
    subject = yinsi.vault.create_subject(actor=APP)
    accept_policy(yinsi, subject)
    yinsi.vault.write(
        actor=APP,
        subject_id=subject,
        purpose="real_name_visit",
        values={"name": NAME, "id_number": ID_NUMBER},
        source="app",
    )
    for disclosure in consents:
        act(yinsi, subject, Kind.SEPARATE, f"public.{disclosure}")
    return subject


def _refusal(yinsi: Yinsi, actor: Actor, subject: str, disclosure: str, fields: list[str]) -> str:
    with pytest.raises(AccessDenied) as refused:
        yinsi.public_disclosures.disclose(actor=actor, subject_id=subject, disclosure=disclosure, fields=fields)
    return refused.value.code


def test_nothing_is_made_public_without_the_separate_consent_and_a_withdrawal_counts_at_once(clinic: Yinsi) -> None:
    subject = _patient(clinic)
    assert _refusal(clinic, APP, subject, "reviews", ["name"]) == "separate_consent_required"
    act(clinic, subject, Kind.SEPARATE, "public.reviews")
    done = clinic.public_disclosures.disclose(actor=APP, subject_id=subject, disclosure="reviews", fields=["name"])
    assert (done.values, done.basis, done.subject_ref) == ({"name": NAME}, "separate_consent", subject)
    act(clinic, subject, Kind.SEPARATE, "public.reviews", Action.WITHDRAW)
    assert _refusal(clinic, APP, subject, "reviews", ["name"]) == "consent_withdrawn"
    made = clinic.audit.events(clinic.engine, subject=subject, action="pi-made-public", limit=10)
    denied = clinic.audit.events(clinic.engine, subject=subject, action="public-disclosure-denied", limit=10)
    assert [e["details"]["basis"] for e in made] == ["separate_consent"]
    assert sorted(e["reasons"]["*"] for e in denied) == ["consent_withdrawn", "separate_consent_required"]
    assert NAME not in str(made) + str(denied)


def test_only_a_declared_disclosure_its_fields_and_a_role_that_provides(clinic: Yinsi) -> None:
    subject = _patient(clinic, consents=("reviews",))
    assert _refusal(clinic, APP, subject, "press_release", ["name"]) == "disclosure_not_declared"
    assert _refusal(clinic, APP, subject, "reviews", ["name", "id_number"]) == "field_not_in_disclosure"
    assert _refusal(clinic, DESK, subject, "reviews", ["name"]) == "operation_not_permitted"
    with clinic.engine.connect() as connection:
        assert connection.execute(select(table_of(PublicDisclosureRow))).all() == []


def test_a_deidentified_disclosure_publishes_a_pseudonym_of_its_own_and_generalised_values(clinic: Yinsi) -> None:
    subject = _patient(clinic, consents=("cohort",))
    first = clinic.public_disclosures.disclose(
        actor=APP, subject_id=subject, disclosure="cohort", fields=["name", "id_number"]
    )
    again = clinic.public_disclosures.disclose(actor=APP, subject_id=subject, disclosure="cohort", fields=["name"])
    assert first.values["id_number"] == "1949"
    assert first.values["name"].startswith("ps_")
    assert NAME not in str(first.values)
    assert first.subject_ref.startswith("ps_")
    assert first.subject_ref != subject
    assert (again.subject_ref, again.values["name"]) == (first.subject_ref, first.values["name"])
    assert first.deidentified == {"name": "pseudonym", "id_number": "birth_year"}
    [record] = clinic.public_disclosures.records_page(actor=OFFICER, disclosure="cohort", limit=1).items
    assert record.details["subject_ref"] == first.subject_ref
    assert ID_NUMBER not in str(record.details)
    # A filter that names no disclosure (a phone number typed into it) is an error, and is recorded nowhere.
    with pytest.raises(NotFound) as unknown:
        clinic.public_disclosures.records_page(actor=OFFICER, disclosure="13912345670")
    assert "13912345670" not in str(unknown.value.message)
    assert "13912345670" not in str(clinic.audit.events(clinic.engine, limit=100))


def test_a_disclosure_a_law_requires_needs_no_consent_but_the_legal_reference(clinic: Yinsi) -> None:
    subject = _patient(clinic)
    with pytest.raises(BadRequest) as no_reference:
        clinic.public_disclosures.disclose(actor=APP, subject_id=subject, disclosure="court_notice", fields=["name"])
    assert no_reference.value.field == "legal_reference"
    done = clinic.public_disclosures.disclose(
        actor=APP, subject_id=subject, disclosure="court_notice", fields=["name"], legal_reference="(2026)沪01执1号"
    )
    assert done.basis == "legal_obligation"
    with pytest.raises(ConsentError):  # nothing to consent to: the law, not the person, decides it
        act(clinic, subject, Kind.SEPARATE, "public.court_notice")


def test_each_disclosure_is_recorded_listed_to_the_audit_and_in_the_persons_copy(clinic: Yinsi) -> None:
    subject = _patient(clinic, consents=("reviews",))
    other = _patient(clinic, consents=("reviews",))
    for person in (subject, other, subject):
        clinic.public_disclosures.disclose(actor=APP, subject_id=person, disclosure="reviews", fields=["name"])
    mine = clinic.public_disclosures.records_page(actor=OFFICER, subject_id=subject)
    assert [(r.disclosure, r.fields, r.actor) for r in mine.items] == [("reviews", ["name"], APP.id)] * 2
    first = clinic.public_disclosures.records_page(actor=OFFICER, disclosure="reviews", limit=2)
    rest = clinic.public_disclosures.records_page(
        actor=OFFICER, disclosure="reviews", limit=2, cursor=first.next_cursor
    )
    assert len({r.id for r in first.items + rest.items}) == 3
    assert rest.next_cursor is None
    with pytest.raises(BadRequest):
        clinic.public_disclosures.records_page(actor=OFFICER)
    with pytest.raises(AccessDenied):  # the records are for a role that views the audit
        clinic.public_disclosures.records_page(actor=APP, subject_id=subject)
    with clinic.engine.connect() as connection:
        copy = read_export(build_export(clinic.rights.bundle(connection, subject)))
    assert [(p["recipient"], p["recipient_en"], p["recipient_kind"], p["basis"]) for p in copy["provisions.json"]] == [
        ("public.reviews", "Visit reviews", "public", "separate_consent")
    ] * 2
