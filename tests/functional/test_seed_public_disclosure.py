"""Public disclosure (公开) on seed 000, over HTTP, as its operator would run it (SQLite and PostgreSQL).

Seed 000's policy says PI is made public only "with your explicit consent" or when a law compels it, but it
names nothing that is made public. So as published, nothing can be: every attempt is refused. An operator that
wants to show, say, a person's nickname on the public site must first declare it in its spec; the second test
adds that declaration (here, not in the example file: the policy does not state it) and runs it end to end.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.conftest import EXAMPLES, Backend, Clock
from tests.functional.test_centre_pages import log_in
from tests.functional.test_cli_operations import Cli, env_of
from tests.support.consent import accept_policy, act, give_separate_consents
from tests.support.http import api_key, staff_session
from yinsi.api.app import create_app
from yinsi.bootstrap import Yinsi, open_yinsi
from yinsi.core.policy.compiled import CompiledPolicy
from yinsi.core.policy.load import load_policy_text
from yinsi.services.consent import Action, Kind
from yinsi.services.vault import Actor

SEED_000 = EXAMPLES / "000_32df281e24e1e7b0.yaml"
ACCOUNT = Actor("key:account", "account_service")
NICKNAME = "小明的牙"
DECLARED = """
public_disclosures:
  community_profile:
    label: {zh-CN: 社区中公开的昵称, en: Nickname shown in the community}
    fields: [nickname]
    audience: {zh-CN: 社区的所有用户, en: Every user of the community}
    separate_consent: true
"""


def _seed(extra: str = "") -> CompiledPolicy:
    result = load_policy_text(SEED_000.read_text(encoding="utf-8") + extra, SEED_000.name)
    assert result.spec is not None, [p.format("en") for p in result.errors]
    return CompiledPolicy.from_spec(result.spec)


def _running(backend: Backend, clock: Clock, policy: CompiledPolicy) -> Iterator[tuple[Yinsi, TestClient]]:
    yinsi = open_yinsi(backend.settings, migrate=False, policy=policy, now=clock)
    with TestClient(create_app(yinsi), raise_server_exceptions=False) as client:
        yield yinsi, client
    yinsi.close()


@pytest.fixture
def as_published(backend: Backend, clock: Clock) -> Iterator[tuple[Yinsi, TestClient]]:
    yield from _running(backend, clock, _seed())


@pytest.fixture
def declared(backend: Backend, clock: Clock) -> Iterator[tuple[Yinsi, TestClient]]:
    yield from _running(backend, clock, _seed(DECLARED))


def _member(yinsi: Yinsi) -> str:
    subject = yinsi.vault.create_subject(actor=ACCOUNT)
    accept_policy(yinsi, subject)
    give_separate_consents(yinsi, subject)  # those the account needs; none of them to make anything public
    yinsi.vault.write(actor=ACCOUNT, subject_id=subject, purpose="account", values={"nickname": NICKNAME}, source="app")
    return subject


def test_000_as_published_declares_nothing_public_so_nothing_can_be_made_public(
    as_published: tuple[Yinsi, TestClient],
) -> None:
    yinsi, client = as_published
    subject = _member(yinsi)
    body = {"subject": subject, "disclosure": "community_profile", "fields": ["nickname"]}
    refused = client.post("/v1/public-disclosures", headers=api_key(yinsi, "account_service"), json=body)
    assert refused.status_code == 403, refused.text
    assert refused.json()["code"] == "disclosure_not_declared"
    zh = client.post(
        "/v1/public-disclosures",
        headers={**api_key(yinsi, "account_service"), "Accept-Language": "zh-CN"},
        json=body,
    )
    assert "未声明的个人信息一律不得公开" in zh.json()["detail"]
    assert NICKNAME not in refused.text + zh.text


def test_000_a_declared_disclosure_runs_only_with_the_separate_consent_and_is_recorded(
    declared: tuple[Yinsi, TestClient],
) -> None:
    yinsi, client = declared
    subject = _member(yinsi)
    service = api_key(yinsi, "account_service")
    body = {"subject": subject, "disclosure": "community_profile", "fields": ["nickname"]}
    assert client.post("/v1/public-disclosures", headers=service, json=body).json()["code"] == (
        "separate_consent_required"
    )
    too_much = client.post("/v1/public-disclosures", headers=service, json={**body, "fields": ["nickname", "email"]})
    assert too_much.json()["code"] == "field_not_in_disclosure"
    act(yinsi, subject, Kind.SEPARATE, "public.community_profile")
    made = client.post("/v1/public-disclosures", headers=service, json=body)
    assert made.status_code == 201, made.text
    assert (made.json()["values"], made.json()["basis"]) == ({"nickname": NICKNAME}, "separate_consent")
    act(yinsi, subject, Kind.SEPARATE, "public.community_profile", Action.WITHDRAW)
    assert client.post("/v1/public-disclosures", headers=service, json=body).json()["code"] == "consent_withdrawn"

    officer = staff_session(client, yinsi, "privacy_officer")
    listed = client.get("/v1/staff/public-disclosures", params={"subject": subject, "limit": 1}, headers=officer)
    assert listed.status_code == 200, listed.text
    [item] = listed.json()["items"]
    assert (item["disclosure"], item["fields"], item["details"]["basis"]) == (
        "community_profile",
        ["nickname"],
        "separate_consent",
    )
    assert listed.json()["next_cursor"] is None
    assert NICKNAME not in listed.text
    desk = staff_session(client, yinsi, "customer_service")
    assert client.get("/v1/staff/public-disclosures", params={"subject": subject}, headers=desk).status_code == 403


def test_000_the_terminal_lists_what_was_made_public_never_the_values(backend: Backend, tmp_path: Path) -> None:
    cli = Cli(env_of(backend))
    spec = tmp_path / "000-with-a-public-profile.yaml"
    spec.write_text(SEED_000.read_text(encoding="utf-8") + DECLARED, encoding="utf-8")
    cli.ok("policy", "publish", spec)
    with open_yinsi(backend.settings, migrate=False) as yinsi:
        subject = _member(yinsi)
        act(yinsi, subject, Kind.SEPARATE, "public.community_profile")
        yinsi.public_disclosures.disclose(
            actor=ACCOUNT, subject_id=subject, disclosure="community_profile", fields=["nickname"]
        )
        yinsi.staff.create(username="dpo.zhou", role="privacy_officer", password="x" * 16, issuer="t")
    listed = cli.ok("sharing", "public-disclosures", "--subject", subject, "--as", "dpo.zhou", "--json")
    [line] = [json.loads(text) for text in listed.stdout.splitlines()]
    assert (line["disclosure"], line["fields"], line["basis"]) == (
        "community_profile",
        ["nickname"],
        "separate_consent",
    )
    assert NICKNAME not in listed.output
    assert (
        "Filter the public disclosure records" in cli.fails("sharing", "public-disclosures", "--as", "dpo.zhou").stderr
    )


def test_000_the_privacy_centre_asks_the_separate_consent_to_a_declared_disclosure(
    declared: tuple[Yinsi, TestClient],
) -> None:
    yinsi, _ = declared
    browser = log_in(yinsi, "13912345670")
    page = browser.get("/me/consents")
    assert page.status_code == 200, page.text
    assert "public.community_profile" in page.text
    assert "社区中公开的昵称" in page.text
