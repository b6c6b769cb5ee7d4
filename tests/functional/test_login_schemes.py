"""Each seed's own way in, read from its spec, and the account operations behind the ones that were missing:
user name and password (seed 003), and phone, password and SMS code (seed 002). Plus the demo's spec, which
must stay seed 001 but for one line."""

from __future__ import annotations

import difflib
from collections.abc import Iterator

import pytest

from tests.conftest import EXAMPLES, ROOT, Backend, Clock
from tests.support.accounts import last_code
from tests.support.consent import SHOWN
from yinsi.bootstrap import Yinsi, open_yinsi
from yinsi.core.errors import YinsiError
from yinsi.core.policy.compiled import CompiledPolicy
from yinsi.core.policy.load import load_policy_file
from yinsi.core.policy.login import LoginMethod, login_scheme
from yinsi.services.consent import Action, ConsentAct, Kind
from yinsi.services.consent_state import POLICY_SCOPE

SEEDS = {
    "000_32df281e24e1e7b0": LoginMethod.PHONE_CODE,
    "001_b323a55268a82f2d": LoginMethod.PHONE_CODE,
    "002_83f8c652f43b02ec": LoginMethod.PHONE_PASSWORD_CODE,
    "003_8bb812b8de66b6ab": LoginMethod.USERNAME_PASSWORD,
    "004_e38994de5eb8bac3": LoginMethod.PHONE_CODE,
}


def _compiled(name: str) -> CompiledPolicy:
    result = load_policy_file(EXAMPLES / f"{name}.yaml")
    assert result.spec is not None
    return CompiledPolicy.from_spec(result.spec)


@pytest.mark.parametrize(("seed", "method"), SEEDS.items())
def test_each_seed_logs_in_the_way_its_policy_says(seed: str, method: LoginMethod) -> None:
    scheme = login_scheme(_compiled(seed).spec)
    assert scheme is not None
    assert scheme.method is method


def test_the_demo_spec_is_seed_001_but_for_the_booking_services_blockers() -> None:
    seed = (EXAMPLES / "001_b323a55268a82f2d.yaml").read_text(encoding="utf-8").splitlines()
    demo = (ROOT / "examples" / "demo" / "appointments.yaml").read_text(encoding="utf-8").splitlines()
    changed = [
        line
        for line in difflib.unified_diff(seed, demo, lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---")) and not line.lstrip("+- ").startswith("#")
    ]
    assert changed == [
        "-    operations: [read, write, lookup]",
        "+    operations: [read, write, lookup, manage_blockers]",
    ]


def _acceptance(yinsi: Yinsi) -> ConsentAct:
    return ConsentAct(
        Kind.POLICY, POLICY_SCOPE, Action.GRANT, "web", SHOWN, "zh-CN", True, yinsi.policy.current().version
    )


@pytest.fixture
def site(backend: Backend, clock: Clock) -> Iterator[Yinsi]:
    instance = open_yinsi(backend.settings, migrate=False, policy=_compiled("003_8bb812b8de66b6ab"), now=clock)
    yield instance
    instance.close()


@pytest.fixture
def shop(backend: Backend, clock: Clock) -> Iterator[Yinsi]:
    instance = open_yinsi(backend.settings, migrate=False, policy=_compiled("002_83f8c652f43b02ec"), now=clock)
    yield instance
    instance.close()


@pytest.mark.db
def test_a_user_name_registers_once_and_logs_in_with_its_password(site: Yinsi) -> None:
    accounts = site.accounts
    opened = accounts.register_with_username(
        username="reader_2026", password="a long password", client="198.51.100.7", acceptance=_acceptance(site)
    )
    assert opened.new_account
    with pytest.raises(YinsiError) as taken:
        accounts.register_with_username(
            username="reader_2026", password="another password", client="198.51.100.8", acceptance=_acceptance(site)
        )
    assert taken.value.code == "conflict"
    with pytest.raises(YinsiError) as wrong:
        accounts.login_with_username(username="reader_2026", password="not the password", client="198.51.100.7")
    assert wrong.value.code == "credentials_invalid"
    again = accounts.login_with_username(username="reader_2026", password="a long password", client="198.51.100.9")
    assert again.subject_id == opened.subject_id
    assert site.centre.standing(subject=opened.subject_id).accepted
    with pytest.raises(YinsiError) as no_phone:
        accounts.request_code(phone="13912345678", client="198.51.100.7")  # seed 003 has no phone to log in with
    assert no_phone.value.code == "accounts_unavailable"


@pytest.mark.db
def test_phone_password_and_code_need_all_three(shop: Yinsi, clock: Clock) -> None:
    accounts = shop.accounts
    phone, client = "13912345678", "198.51.100.7"
    accounts.request_code(phone=phone, client=client)
    opened = accounts.login_with_code(
        phone=phone, code=last_code(shop), client=client, acceptance=_acceptance(shop), password="a long password"
    )
    clock.advance(seconds=61)
    accounts.request_code(phone=phone, client=client)
    code = last_code(shop)
    with pytest.raises(YinsiError) as wrong_code:
        accounts.login_with_password(phone=phone, password="a long password", client=client, code="000000")
    assert wrong_code.value.code == "code_invalid"
    with pytest.raises(YinsiError) as wrong_password:
        accounts.login_with_password(phone=phone, password="a wrong password", client=client, code=code)
    assert wrong_password.value.code == "credentials_invalid"
    done = accounts.login_with_password(phone=phone, password="a long password", client=client, code=code)
    assert done.subject_id == opened.subject_id
    assert shop.centre.access_log(subject=done.subject_id)[0].method == "password_code"


@pytest.mark.db
def test_a_third_party_id_opens_one_account_and_finds_it_again(yinsi: Yinsi) -> None:
    accounts = yinsi.accounts
    with pytest.raises(YinsiError) as new:
        accounts.login_with_provider(provider="wechat", identifier="openid-1", client="198.51.100.7")
    assert new.value.code == "policy_acceptance_required"
    opened = accounts.login_with_provider(
        provider="wechat", identifier="openid-1", client="198.51.100.7", acceptance=_acceptance(yinsi)
    )
    assert opened.new_account
    again = accounts.login_with_provider(provider="wechat", identifier="openid-1", client="198.51.100.7")
    assert (again.subject_id, again.new_account) == (opened.subject_id, False)
    other = accounts.login_with_provider(
        provider="alipay", identifier="openid-1", client="198.51.100.7", acceptance=_acceptance(yinsi)
    )
    assert other.subject_id != opened.subject_id  # the same id at another provider is another person
    with yinsi.engine.connect() as connection:
        stored = connection.exec_driver_sql("SELECT sealed_identifier, identifier_digest FROM external_logins").all()
    assert all(b"openid-1" not in bytes(sealed) and b"openid-1" not in bytes(digest) for sealed, digest in stored)
