"""Nobody can lock out somebody else: strangers' wrong codes, wrong passwords and code requests, from one
address or many, slow the guessers and never stop the owner of a number (or a staff account) logging in.

Each test speaks to one app from several client addresses, as the API sees them (``ClientDep``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import pyotp
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.conftest import Clock
from tests.support.accounts import acceptance
from yinsi.adapters.notify.console import open_outbox_message
from yinsi.api.app import create_app
from yinsi.bootstrap import Yinsi

OWNER_PHONE = "13912345678"
OWNER = "198.51.100.7"
STRANGERS = [f"203.0.113.{i}" for i in range(1, 11)]


@pytest.fixture
def app(clinic: Yinsi) -> FastAPI:
    return create_app(clinic)


@pytest.fixture
def at(app: FastAPI) -> Iterator[dict[str, TestClient]]:
    """A client per address, made on first use: ``at["203.0.113.1"].post(...)``."""

    class Clients(dict[str, TestClient]):
        def __missing__(self, address: str) -> TestClient:
            self[address] = TestClient(app, raise_server_exceptions=False, client=(address, 50000))
            return self[address]

    clients = Clients()
    yield clients
    for client in clients.values():
        client.close()


def sent_code(yinsi: Yinsi) -> str:
    """The code of the newest SMS: what the owner reads on their phone (6 digits, or 12)."""
    entry = yinsi.outbox.latest(1, "sms")[0]
    found = re.search(r"\b(\d{12}|\d{6})\b", open_outbox_message(yinsi.keyring.secret("outbox"), entry.sealed).body)
    assert found is not None
    return found.group(1)


def ask_code(client: TestClient, phone: str = OWNER_PHONE) -> int:
    response = client.post("/v1/auth/sms-code", json={"phone": phone}, headers={"Accept-Language": "en"})
    return response.status_code


def log_in(client: TestClient, code: str, yinsi: Yinsi, phone: str = OWNER_PHONE):  # type: ignore[no-untyped-def]
    body = {"phone": phone, "code": code, "accept_policy": acceptance(yinsi)}
    return client.post("/v1/auth/login", json=body, headers={"Accept-Language": "en"})


def wrong(code: str) -> str:
    return "0" * len(code) if code != "0" * len(code) else "1" * len(code)


def register_owner(at: dict[str, TestClient], clinic: Yinsi, clock: Clock) -> str:
    assert ask_code(at[OWNER]) == 202
    done = log_in(at[OWNER], sent_code(clinic), clinic)
    assert done.status_code == 200, done.text
    clock.advance(seconds=61)
    return str(done.json()["subject_id"])


def test_strangers_wrong_codes_from_many_addresses_never_refuse_the_owners_fresh_code(
    at: dict[str, TestClient], clinic: Yinsi, clock: Clock
) -> None:
    subject = register_owner(at, clinic, clock)
    # Ten addresses make ten wrong tries each at the number (a hundred in all), asking for codes as they go.
    for address in STRANGERS:
        ask_code(at[address])
        for _ in range(10):
            assert log_in(at[address], "000000", clinic).status_code in (401, 429)
        clock.advance(seconds=61)
    assert ask_code(at[OWNER]) == 202
    code = sent_code(clinic)
    for address in STRANGERS[:3]:  # still at it while the owner types
        log_in(at[address], wrong(code), clinic)
    done = log_in(at[OWNER], code, clinic)
    assert done.status_code == 200, done.text
    assert (done.json()["subject_id"], done.json()["new_account"]) == (subject, False)


def test_a_code_dies_only_for_the_address_that_guessed_at_it(
    at: dict[str, TestClient], clinic: Yinsi, clock: Clock
) -> None:
    register_owner(at, clinic, clock)
    assert ask_code(at[OWNER]) == 202
    code = sent_code(clinic)
    stranger = at[STRANGERS[0]]
    for _ in range(5):
        assert log_in(stranger, wrong(code), clinic).json()["code"] == "code_invalid"
    burnt = log_in(stranger, code, clinic)  # even the right code, from the guesser's address
    assert (burnt.status_code, burnt.json()["code"]) == (401, "code_invalid")
    assert "Too many wrong tries" in burnt.json()["detail"]
    assert log_in(at[OWNER], code, clinic).status_code == 200


def test_failures_back_off_per_number_and_address_doubling_and_never_lock(
    at: dict[str, TestClient], clinic: Yinsi, clock: Clock
) -> None:
    register_owner(at, clinic, clock)
    stranger = at["2001:db8:1:2::10"]
    for _ in range(10):  # ten failures in a day are free
        assert log_in(stranger, "000000", clinic).status_code == 401
    waits = []
    for _ in range(4):
        slowed = log_in(stranger, "000000", clinic)
        assert (slowed.status_code, slowed.json()["code"]) == (429, "rate_limited")
        waits.append(int(slowed.headers["Retry-After"]))
        clock.advance(seconds=waits[-1])
        assert log_in(stranger, "000000", clinic).status_code == 401  # after the wait, it may try again
    assert waits == [1, 2, 4, 8]
    # The next address of the same /64 is the same source; another number or another address is not slowed.
    assert log_in(at["2001:db8:1:2::11"], "000000", clinic).status_code == 429
    assert log_in(stranger, "000000", clinic, phone="13800138000").status_code == 401
    assert ask_code(at[OWNER]) == 202
    assert log_in(at[OWNER], sent_code(clinic), clinic).status_code == 200


def test_the_owner_behind_the_guessers_address_gets_in_with_a_code_they_asked_for(
    at: dict[str, TestClient], clinic: Yinsi, clock: Clock
) -> None:
    register_owner(at, clinic, clock)
    nat = at["192.0.2.44"]  # the stranger and the owner share one NAT address
    for _ in range(10):
        assert log_in(nat, "000000", clinic).status_code == 401
    for wait in (1, 2, 4):
        clock.advance(seconds=wait)
        assert log_in(nat, "000000", clinic).status_code == 401
    clock.advance(seconds=1)
    assert log_in(nat, "000000", clinic).status_code == 429  # the address waits 8 seconds now
    assert ask_code(nat) == 202  # the owner asks for a code: their first try at it does not wait
    assert log_in(nat, sent_code(clinic), clinic).status_code == 200


def test_one_address_failing_for_many_numbers_does_not_lock_the_others_behind_it(
    at: dict[str, TestClient], clinic: Yinsi, clock: Clock
) -> None:
    nat = at["192.0.2.80"]
    for i in range(12):  # sixty failures from one address, five for each of twelve numbers
        for _ in range(5):
            assert log_in(nat, "123456", clinic, phone=f"1370000{i:04d}").status_code == 401
    assert ask_code(nat) == 202
    assert log_in(nat, sent_code(clinic), clinic).status_code == 200


def test_strangers_asking_for_codes_cannot_stop_the_owner_getting_one(
    at: dict[str, TestClient], clinic: Yinsi, clock: Clock
) -> None:
    register_owner(at, clinic, clock)
    stranger = at[STRANGERS[0]]
    for _ in range(5):
        assert ask_code(stranger) == 202
        clock.advance(seconds=61)
    refused = stranger.post("/v1/auth/sms-code", json={"phone": OWNER_PHONE}, headers={"Accept-Language": "en"})
    assert refused.status_code == 429
    assert "from your network address" in refused.json()["detail"]
    assert ask_code(at[OWNER]) == 202  # the owner's own request is still served
    assert log_in(at[OWNER], sent_code(clinic), clinic).status_code == 200
    # While the one-minute cooldown refuses the owner, the code a stranger just triggered is on the owner's phone.
    clock.advance(seconds=61)
    assert ask_code(at[STRANGERS[1]]) == 202
    cooled = at[OWNER].post("/v1/auth/sms-code", json={"phone": OWNER_PHONE}, headers={"Accept-Language": "en"})
    assert cooled.status_code == 429
    assert "use the latest code" in cooled.json()["detail"]
    assert log_in(at[OWNER], sent_code(clinic), clinic).status_code == 200


def test_a_number_strangers_keep_guessing_at_gets_twelve_digit_codes(
    at: dict[str, TestClient], clinic: Yinsi, clock: Clock
) -> None:
    register_owner(at, clinic, clock)
    assert ask_code(at[OWNER]) == 202
    short = sent_code(clinic)
    assert len(short) == 6
    for address in STRANGERS[:5]:  # ten wrong guesses at live codes, from five addresses
        for _ in range(2):
            assert log_in(at[address], wrong(short), clinic).status_code == 401
    # A six-digit code is no longer compared with anything (it could be guessed by enough addresses) ...
    stale = log_in(at[OWNER], short, clinic)
    assert (stale.status_code, stale.json()["code"]) == (401, "code_invalid")
    assert "12 digits" in stale.json()["detail"]
    # ... and the next code has twelve digits, which strangers cannot burn and cannot guess.
    clock.advance(seconds=61)
    sent = at[OWNER].post("/v1/auth/sms-code", json={"phone": OWNER_PHONE})
    assert (sent.status_code, sent.json()["digits"]) == (202, 12)
    long = sent_code(clinic)
    assert len(long) == 12
    for address in STRANGERS:
        for _ in range(5):
            log_in(at[address], wrong(long), clinic)
    assert log_in(at[OWNER], long, clinic).status_code == 200


@pytest.mark.slow
def test_wrong_passwords_pause_password_login_never_the_sms_code(
    at: dict[str, TestClient], clinic: Yinsi, clock: Clock
) -> None:
    register_owner(at, clinic, clock)
    assert ask_code(at[OWNER]) == 202
    token = log_in(at[OWNER], sent_code(clinic), clinic).json()["token"]
    password = {"password": "correct horse 电池"}
    set_password = at[OWNER].put("/v1/me/password", json=password, headers={"Authorization": f"Bearer {token}"})
    assert set_password.status_code == 204
    good = {"phone": OWNER_PHONE, **password}
    bad = {"phone": OWNER_PHONE, "password": "guess guess"}
    for i in range(20):  # twenty wrong passwords for the number, from twenty addresses
        assert at[f"203.0.113.{100 + i}"].post("/v1/auth/password-login", json=bad).status_code == 401
    paused = at[OWNER].post("/v1/auth/password-login", json=good, headers={"Accept-Language": "en"})
    assert (paused.status_code, paused.json()["code"]) == (429, "rate_limited")
    assert "log in with an SMS code" in paused.json()["detail"]
    clock.advance(seconds=61)
    assert ask_code(at[OWNER]) == 202
    assert log_in(at[OWNER], sent_code(clinic), clinic).status_code == 200  # the SMS code always works
    assert at[OWNER].post("/v1/auth/password-login", json=good).status_code == 200  # and resumed passwords


@pytest.mark.slow
def test_wrong_passwords_for_the_privacy_officer_slow_the_stranger_never_the_officer(
    at: dict[str, TestClient], clinic: Yinsi, clock: Clock
) -> None:
    created = clinic.staff.create(
        username="dpo.li", role="privacy_officer", password="a long staff password", issuer="t"
    )
    totp = pyotp.TOTP(created.totp_secret)
    stranger = at[STRANGERS[0]]
    bad = {"username": "dpo.li", "password": "not the password", "code": "123456"}
    for _ in range(5):
        assert stranger.post("/v1/staff/login", json=bad).json()["code"] == "staff_login_refused"
    slowed = stranger.post("/v1/staff/login", json=bad)
    assert (slowed.status_code, int(slowed.headers["Retry-After"])) == (429, 1)
    for _ in range(5):  # ten wrong passwords for the account in all, from five more addresses
        for address in STRANGERS[1:6]:
            at[address].post("/v1/staff/login", json=bad)
        clock.advance(seconds=20)
    good = {"username": "dpo.li", "password": "a long staff password", "code": totp.at(clock())}
    officer = at[OWNER].post("/v1/staff/login", json=good)
    assert officer.status_code == 200, officer.text
    # The stranger is slowed, not shut out for good: after the wait a try is judged on its merits again.
    assert stranger.post("/v1/staff/login", json=bad).json()["code"] == "staff_login_refused"


def test_guessing_the_officers_one_time_code_with_their_password_is_bounded_per_account(
    at: dict[str, TestClient], clinic: Yinsi, clock: Clock
) -> None:
    """Only someone holding the password can cause these failures, so they are counted per account."""
    created = clinic.staff.create(
        username="dpo.wu", role="privacy_officer", password="a long staff password", issuer="t"
    )
    totp = pyotp.TOTP(created.totp_secret)
    right = {"username": "dpo.wu", "password": "a long staff password"}
    valid = {totp.at(clock() + timedelta(seconds=s)) for s in (-30, 0, 30)}
    wrong_codes = [c * 6 for c in "0123456" if c * 6 not in valid]
    for i, code in enumerate(wrong_codes[:5]):  # five addresses, one wrong code each
        assert at[STRANGERS[i]].post("/v1/staff/login", json={**right, "code": code}).status_code == 401
    # The account now waits a second before a code is compared again: even the right one is refused meanwhile.
    refused = at[OWNER].post("/v1/staff/login", json={**right, "code": totp.at(clock())})
    assert (refused.status_code, refused.json()["code"]) == (401, "staff_login_refused")
    clock.advance(seconds=1)
    assert at[OWNER].post("/v1/staff/login", json={**right, "code": totp.at(clock())}).status_code == 200
    events = clinic.audit.events(clinic.engine, action="staff-code-refused", limit=10)
    assert len(events) == 5
