"""Seed 004: once the person switches personalisation off, the personalised purpose is refused at the next
decision and its non-personalised alternative answers instead; a purpose without one is simply refused."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.conftest import EXAMPLES, ROOT, Backend, Clock
from tests.support.consent import accept_policy, act
from tests.support.http import api_key
from yinsi.api.app import create_app
from yinsi.bootstrap import Yinsi, open_yinsi
from yinsi.core.errors import AccessDenied
from yinsi.core.policy.compiled import CompiledPolicy
from yinsi.core.policy.load import load_policy_file, load_policy_text
from yinsi.services.consent import Action, Kind
from yinsi.services.vault import Actor

PUSH = Actor("key:push", "recommendation_service")


@pytest.fixture
def mini_program(backend: Backend, clock: Clock) -> Iterator[Yinsi]:
    result = load_policy_file(EXAMPLES / "004_e38994de5eb8bac3.yaml")
    assert result.spec is not None
    instance = open_yinsi(backend.settings, migrate=False, policy=CompiledPolicy.from_spec(result.spec), now=clock)
    yield instance
    instance.close()


def test_switching_personalisation_off_serves_the_non_personalised_push(mini_program: Yinsi) -> None:
    subject = mini_program.vault.create_subject(actor=PUSH)
    accept_policy(mini_program, subject)
    act(mini_program, subject, Kind.PURPOSE, "recommendations")
    mini_program.vault.write(
        actor=PUSH,
        subject_id=subject,
        purpose="recommendations",
        values={"device_id": "IDFA-0001", "behaviour_data": "浏览手表"},
        source="app",
    )
    profiled = mini_program.vault.read(actor=PUSH, subject_id=subject, purpose="recommendations")
    assert (profiled.purpose, profiled.instead_of) == ("recommendations", None)
    assert set(profiled.values) == {"device_id", "behaviour_data"}

    act(mini_program, subject, Kind.PERSONALISATION, "all", Action.WITHDRAW)
    served = mini_program.vault.read(actor=PUSH, subject_id=subject, purpose="recommendations")
    assert (served.purpose, served.instead_of) == ("general_push", "recommendations")
    assert served.values == {"device_id": "IDFA-0001"}  # the profile is not used any more
    with pytest.raises(AccessDenied) as refused:  # and nothing more is collected for the profile
        mini_program.vault.write(
            actor=PUSH, subject_id=subject, purpose="recommendations", values={"behaviour_data": "x"}, source="app"
        )
    assert refused.value.code == "personalisation_off"
    [event] = mini_program.audit.events(mini_program.engine, subject=subject, action="pi-read", limit=1)
    assert (event["purpose"], event["details"]["instead_of"]) == ("general_push", "recommendations")

    act(mini_program, subject, Kind.PERSONALISATION, "all", Action.GRANT)
    assert mini_program.vault.read(actor=PUSH, subject_id=subject, purpose="recommendations").instead_of is None


def test_over_http_the_answer_names_the_purpose_served(mini_program: Yinsi) -> None:
    subject = mini_program.vault.create_subject(actor=PUSH)
    accept_policy(mini_program, subject)
    act(mini_program, subject, Kind.PURPOSE, "recommendations")
    mini_program.vault.write(
        actor=PUSH, subject_id=subject, purpose="recommendations", values={"device_id": "IDFA-0002"}, source="app"
    )
    act(mini_program, subject, Kind.PERSONALISATION, "all", Action.WITHDRAW)
    with TestClient(create_app(mini_program), raise_server_exceptions=False) as client:
        read = client.get(
            f"/v1/subjects/{subject}/pi",
            params={"purpose": "recommendations"},
            headers=api_key(mini_program, "recommendation_service"),
        ).json()
    assert (read["purpose"], read["instead_of"], read["values"]) == (
        "general_push",
        "recommendations",
        {"device_id": "IDFA-0002"},
    )


def test_an_alternative_must_be_a_declared_purpose_that_does_not_profile() -> None:
    text = (ROOT / "examples" / "policies" / "004_e38994de5eb8bac3.yaml").read_text(encoding="utf-8")
    for target, code in (("nowhere", "purpose_not_declared"), ("recommendations", "bad_non_personalised_alternative")):
        result = load_policy_text(
            text.replace("non_personalised_alternative: general_push", f"non_personalised_alternative: {target}"),
            "x.yaml",
        )
        assert result.spec is None
        assert code in {p.code for p in result.errors}
