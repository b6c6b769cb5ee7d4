"""Every seed can produce a sharing record: its services collect what a recipient gets, and provide it.

Each seed is run as its operator would: a service writes what its purpose collects, a role with ``provide``
hands the declared fields to a recipient the policy names, and the record can be found by subject and by
recipient. 002's device and operation data is collected by a service for security and fraud prevention.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import EXAMPLES, Backend, Clock
from tests.support.consent import accept_policy, act, give_separate_consents
from yinsi.bootstrap import Yinsi, open_yinsi
from yinsi.core.errors import AccessDenied
from yinsi.core.policy.compiled import CompiledPolicy
from yinsi.core.policy.load import load_policy_file
from yinsi.services import provisions
from yinsi.services.consent import Kind
from yinsi.services.vault import Actor

OFFICER = Actor("staff:officer", "privacy_officer")


def _seed(name: str) -> CompiledPolicy:
    result = load_policy_file(EXAMPLES / f"{name}.yaml")
    assert result.spec is not None, [p.format("en") for p in result.errors]
    return CompiledPolicy.from_spec(result.spec)


@pytest.fixture
def seed(request: pytest.FixtureRequest, backend: Backend, clock: Clock) -> Iterator[Yinsi]:
    instance = open_yinsi(backend.settings, migrate=False, policy=_seed(request.param), now=clock)
    yield instance
    instance.close()


def _person(yinsi: Yinsi, writer: Actor) -> str:
    """A person who accepted the policy and gave every separate consent it (or the law) asks for."""
    subject = yinsi.vault.create_subject(actor=writer)
    accept_policy(yinsi, subject)
    give_separate_consents(yinsi, subject)
    return subject


def _recorded(yinsi: Yinsi, subject: str, recipient: str) -> list[provisions.ProvisionRecord]:
    by_subject = yinsi.provisions.records(actor=OFFICER, subject_id=subject)
    by_recipient = yinsi.provisions.records(actor=OFFICER, recipient=recipient)
    assert [r.id for r in by_subject if r.recipient == recipient] == [
        r.id for r in by_recipient if r.subject_id == subject
    ]
    return by_recipient


@pytest.mark.parametrize("seed", ["000_32df281e24e1e7b0"], indirect=True)
def test_000_the_account_service_gives_the_number_to_the_messaging_providers(seed: Yinsi) -> None:
    account = Actor("key:account", "account_service")
    subject = _person(seed, account)
    seed.vault.write(
        actor=account, subject_id=subject, purpose="account", values={"mobile": "13912345678"}, source="app"
    )
    done = seed.provisions.provide(
        actor=account,
        subject_id=subject,
        recipient="messaging_providers",
        purpose="account",
        fields=["mobile"],
    )
    assert done.values == {"mobile": "13912345678"}
    assert done.basis == "consent"  # the account function rests on the accepted policy
    [record] = _recorded(seed, subject, "messaging_providers")
    assert (record.fields, record.purpose, record.details["basis"]) == (["mobile"], "account", "consent")


@pytest.mark.parametrize("seed", ["002_83f8c652f43b02ec"], indirect=True)
def test_002_device_data_is_collected_by_a_service_and_orders_go_to_the_suppliers(seed: Yinsi) -> None:
    device = Actor("key:device", "device_service")
    orders = Actor("key:orders", "order_service")
    account = Actor("key:account", "account_service")
    subject = _person(seed, account)
    device_data = {
        "device_model": "Mate 60",
        "os_version": "HarmonyOS 4.2",
        "imei": "860000000000001",
        "mac_address": "AA:BB:CC:DD:EE:FF",
        "ip_address": "203.0.113.7",
        "app_version": "12.1.0",
        "operation_log": "login",
    }
    seed.vault.write(
        actor=device, subject_id=subject, purpose="security_operations", values=device_data, source="device"
    )
    seed.vault.write(
        actor=device,
        subject_id=subject,
        purpose="service_monitoring",
        values={"crash_data": "SIGSEGV"},
        source="device",
    )
    read = seed.vault.read(actor=device, subject_id=subject, purpose="fraud_prevention", fields=["imei", "ip_address"])
    assert read.values == {"imei": "860000000000001", "ip_address": "203.0.113.7"}

    seed.vault.write(
        actor=account, subject_id=subject, purpose="registration", values={"mobile": "13912345678"}, source="app"
    )
    seed.vault.write(
        actor=orders,
        subject_id=subject,
        purpose="orders_delivery",
        values={"order_info": "订单 1", "product_info": "手表"},
        source="app",
    )
    seed.provisions.provide(
        actor=account,
        subject_id=subject,
        recipient="messaging_processor",
        purpose="registration",
        fields=["mobile"],
    )
    to_supplier = seed.provisions.provide(
        actor=orders,
        subject_id=subject,
        recipient="operations_suppliers",
        purpose="orders_delivery",
        fields=["order_info", "product_info"],
    )
    # A partner is another processor: provision to it needs the person's separate consent (PIPL Art. 23), which
    # the person gave; the order contract alone would not do.
    assert to_supplier.basis == "separate_consent"
    with pytest.raises(AccessDenied) as refused:  # the device service may not provide anything
        seed.provisions.provide(
            actor=device,
            subject_id=subject,
            recipient="operations_suppliers",
            purpose="orders_delivery",
            fields=["order_info"],
        )
    assert refused.value.code == "purpose_not_permitted"
    assert [r.recipient for r in seed.provisions.records(actor=OFFICER, subject_id=subject)] == [
        "operations_suppliers",
        "messaging_processor",
    ]


@pytest.mark.parametrize("seed", ["003_8bb812b8de66b6ab"], indirect=True)
def test_003_the_dispute_desk_gives_contact_details_to_the_counterpart(seed: Yinsi) -> None:
    intake = Actor("key:disputes", "dispute_service")
    desk = Actor("staff:desk", "dispute_desk")
    subject = _person(seed, intake)
    seed.vault.write(
        actor=intake,
        subject_id=subject,
        purpose="dispute_handling",
        values={"contact_name": "王五", "contact_mobile": "13700001111", "contact_email": "w@example.com"},
        source="app",
    )
    done = seed.provisions.provide(
        actor=desk,
        subject_id=subject,
        recipient="transaction_counterparts",
        purpose="dispute_handling",
        fields=["contact_name", "contact_mobile"],
    )
    assert done.values == {"contact_name": "王五", "contact_mobile": "13700001111"}
    [record] = _recorded(seed, subject, "transaction_counterparts")
    assert record.fields == ["contact_mobile", "contact_name"]


@pytest.mark.parametrize("seed", ["004_e38994de5eb8bac3"], indirect=True)
def test_004_processors_get_whole_data_and_marketing_partners_a_pseudonym(seed: Yinsi) -> None:
    app = Actor("key:app", "app_service")
    marketing = Actor("key:marketing", "marketing_service")
    subject = _person(seed, app)
    seed.vault.write(
        actor=app,
        subject_id=subject,
        purpose="transactions",
        values={"name": "李四", "mobile": "13912345678", "shipping_address": "广东省广州市天河区体育西路 1 号"},
        source="app",
    )
    saas = seed.provisions.provide(
        actor=app,
        subject_id=subject,
        recipient="saas_providers",
        purpose="transactions",
        fields=["name", "shipping_address"],
    )
    assert saas.values["shipping_address"].endswith("1 号")  # a processor delivers: it needs the whole address
    assert saas.subject_ref == subject

    act(seed, subject, Kind.PURPOSE, "marketing")
    seed.vault.write(
        actor=marketing,
        subject_id=subject,
        purpose="marketing",
        values={"account_id": "u-1001", "behaviour_data": "浏览手表"},
        source="app",
    )
    first = seed.provisions.provide(
        actor=marketing,
        subject_id=subject,
        recipient="marketing_partners",
        purpose="marketing",
        fields=["account_id", "behaviour_data"],
    )
    again = seed.provisions.provide(
        actor=marketing,
        subject_id=subject,
        recipient="marketing_partners",
        purpose="marketing",
        fields=["account_id"],
    )
    assert first.values["account_id"].startswith("ps_")
    assert "u-1001" not in first.values["account_id"]
    assert first.values["account_id"] == again.values["account_id"]  # stable, so the partner can keep records
    assert first.subject_ref != subject
    assert first.subject_ref == again.subject_ref
    assert first.deidentified == {"account_id": "pseudonym"}
    records = _recorded(seed, subject, "marketing_partners")
    assert records[0].details["deidentified"] == {"account_id": "pseudonym"}
    assert records[0].details["subject_ref"] == first.subject_ref


@pytest.mark.parametrize("seed", ["002_83f8c652f43b02ec"], indirect=True)
def test_002_without_the_separate_consent_the_law_asks_nothing_goes_to_a_partner(seed: Yinsi) -> None:
    orders = Actor("key:orders", "order_service")
    subject = seed.vault.create_subject(actor=orders)
    accept_policy(seed, subject)  # the policy accepted, no separate consent given
    seed.vault.write(
        actor=orders,
        subject_id=subject,
        purpose="orders_delivery",
        values={"order_info": "订单 A-1", "product_info": "空调"},
        source="app",
    )
    with pytest.raises(AccessDenied) as refused:
        seed.provisions.provide(
            actor=orders,
            subject_id=subject,
            recipient="operations_suppliers",
            purpose="orders_delivery",
            fields=["order_info", "product_info"],
        )
    assert refused.value.decision.reason is not None
    assert refused.value.decision.reason.value == "separate_consent_required"
    assert seed.provisions.records(actor=OFFICER, subject_id=subject) == []


@pytest.mark.parametrize("seed", ["000_32df281e24e1e7b0"], indirect=True)
def test_000_sensitive_pi_on_consent_needs_the_separate_consent_the_law_asks(seed: Yinsi) -> None:
    account = Actor("key:account", "account_service")
    subject = seed.vault.create_subject(actor=account)
    accept_policy(seed, subject)
    # The account purpose collects sensitive PI on consent: PIPL Art. 29 asks a separate consent, although the
    # spec does not say so; accepting the policy is not it.
    with pytest.raises(AccessDenied) as refused:
        seed.vault.write(
            actor=account, subject_id=subject, purpose="account", values={"mobile": "13912345678"}, source="app"
        )
    assert refused.value.decision.reason is not None
    assert refused.value.decision.reason.value == "separate_consent_required"
    act(seed, subject, Kind.SEPARATE, "account")
    seed.vault.write(
        actor=account, subject_id=subject, purpose="account", values={"mobile": "13912345678"}, source="app"
    )
