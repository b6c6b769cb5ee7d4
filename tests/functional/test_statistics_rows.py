"""Which rows anonymous statistics list never depends on a small group.

An analyst who sees ``[25-34: 4, 35-44: 6]`` one day and ``[0-13: null, 25-34: null, 35-44: 6]`` the next
has learnt that a child now uses the service: the suppressed row's appearance told what its count did not.
So a closed dimension lists every declared value, empty or not, and cities too small to name fold into one
``other`` row that is always there.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import Backend, Clock
from tests.functional.test_cli_operations import Cli, env_of
from tests.integration.test_retention import APP, LIFECYCLE
from yinsi.bootstrap import Yinsi, open_yinsi
from yinsi.core.generalise import AGE_BANDS
from yinsi.core.policy.compiled import CompiledPolicy
from yinsi.core.policy.load import load_policy_text
from yinsi.core.requests import RequestType
from yinsi.services.vault import Actor

VIEWER = Actor("staff:analyst", "privacy_officer")
SHANGHAI, BEIJING = "上海市黄浦区一路1号", "北京市朝阳区二路2号"


def _open(backend: Backend, clock: Clock, noise: float | None = None) -> Yinsi:
    text = LIFECYCLE.read_text(encoding="utf-8")
    if noise is not None:
        text = text.replace("min_group_size: 3", f"min_group_size: 3\n  noise_epsilon: {noise}")
    loaded = load_policy_text(text, "stats")
    assert loaded.spec is not None
    return open_yinsi(backend.settings, migrate=False, policy=CompiledPolicy.from_spec(loaded.spec), now=clock)


@pytest.fixture
def shop(backend: Backend, clock: Clock) -> Iterator[Yinsi]:
    instance = _open(backend, clock)
    yield instance
    instance.close()


def _add(yinsi: Yinsi, born: str, address: str) -> None:
    subject = yinsi.vault.create_subject(actor=APP)
    values = {"birth_date": born, "address": address}
    yinsi.vault.write(actor=APP, subject_id=subject, purpose="survey", values=values, source="app")


def _ten_adults(yinsi: Yinsi) -> None:
    for _ in range(6):
        _add(yinsi, "1990-03-01", SHANGHAI)
    for _ in range(4):
        _add(yinsi, "1996-07-01", BEIJING)


def _rows(yinsi: Yinsi, *by: str) -> list[tuple[str, ...]]:
    table = yinsi.statistics.counts(dimensions=by, actor=VIEWER)
    return [tuple(c[d] for d in by) for c in table.cells]


def _cells(yinsi: Yinsi, *by: str) -> dict[tuple[str, ...], int | None]:
    table = yinsi.statistics.counts(dimensions=by, actor=VIEWER)
    return {tuple(c[d] for d in by): c["count"] for c in table.cells}


def test_one_child_more_changes_no_row_of_a_closed_dimension(shop: Yinsi) -> None:
    _ten_adults(shop)
    before = _cells(shop, "age_band")
    assert list(before) == [(band,) for band in (*AGE_BANDS, "unknown")]  # every declared band, in order
    assert before[("0-13",)] is None  # empty, and suppressed like any small group
    assert before[("35-44",)] == 6
    _add(shop, "2016-01-01", "上海市浦东新区三路3号")
    after = _cells(shop, "age_band")
    assert list(after) == list(before)
    assert after[("0-13",)] is None


def test_every_declared_value_of_the_other_closed_dimensions_is_listed(shop: Yinsi) -> None:
    _ten_adults(shop)
    purposes = {p for (p,) in _rows(shop, "purpose")}
    assert purposes == {*shop.policy.current().spec.purposes, "none"}
    kinds = {t for (t,) in _rows(shop, "request_type")}
    assert kinds == {*(t.value for t in RequestType), "none"}
    consents = [c for (c,) in _rows(shop, "consent_state")]
    assert "policy:current:granted" in consents
    assert "policy:current:withdrawn" in consents
    pairs = _rows(shop, "age_band", "request_type")
    assert len(pairs) == len(set(pairs)) == (len(AGE_BANDS) + 1) * (len(RequestType) + 1)


def test_a_small_city_is_never_named_and_never_adds_a_row(shop: Yinsi) -> None:
    _ten_adults(shop)
    before = _cells(shop, "city")
    assert list(before) == [("上海市",), ("北京市",), ("unknown",), ("other",)]
    _add(shop, "1950-01-01", "广东省深圳市南山区四路4号")
    after = _cells(shop, "city")
    assert list(after) == list(before)  # Shenzhen's one person folds into "other", which was there already
    assert after[("other",)] is None
    assert "深圳" not in json.dumps(shop.statistics.counts(dimensions=["city", "age_band"], actor=VIEWER)
                                    .as_json(), ensure_ascii=False)  # fmt: skip
    assert [c for c, *_ in _rows(shop, "city", "age_band")][:: len(AGE_BANDS) + 1] == [
        "上海市", "北京市", "unknown", "other"
    ]  # fmt: skip
    for _ in range(2):
        _add(shop, "1950-01-01", "广东省深圳市南山区五路5号")
    assert ("深圳市",) in _cells(shop, "city")  # three people: a group large enough to be named


def test_with_noise_the_rows_are_fixed_and_a_city_of_one_is_not_named(backend: Backend, clock: Clock) -> None:
    noisy = _open(backend, clock, noise=1.0)
    try:
        _ten_adults(noisy)
        _add(noisy, "1950-01-01", "广东省深圳市南山区四路4号")
        for _ in range(5):
            assert _rows(noisy, "age_band") == [(band,) for band in (*AGE_BANDS, "unknown")]
            cities = _cells(noisy, "city")
            assert ("深圳市",) not in cities
            assert cities[("other",)] is None
            assert ("unknown",) in cities
        assert noisy.statistics.counts(dimensions=["city"], actor=VIEWER).people is None
    finally:
        noisy.close()


def test_the_terminal_says_a_noisy_city_table_gives_no_total(backend: Backend, tmp_path: Path) -> None:
    spec = tmp_path / "noisy.yaml"
    text = LIFECYCLE.read_text(encoding="utf-8")
    spec.write_text(text.replace("min_group_size: 3", "min_group_size: 3\n  noise_epsilon: 1.0"), encoding="utf-8")
    cli = Cli(env_of(backend))
    cli.ok("policy", "publish", spec)
    with open_yinsi(backend.settings, migrate=False) as yinsi:
        _ten_adults(yinsi)
        yinsi.staff.create(username="dpo.li", role="privacy_officer", password="x" * 16, issuer="t")
    shown = cli.ok("statistics", "--as", "dpo.li", "--by", "city")
    assert "city=other  <3 (suppressed)" in shown.stdout
    assert "people: not given with noise for this table" in shown.stdout


def test_a_city_is_named_by_its_people_not_by_its_cells(shop: Yinsi) -> None:
    """One person held for three purposes is three cells of a (city, purpose) row, and still one person."""
    _ten_adults(shop)
    subject = shop.vault.create_subject(actor=APP)
    for purpose, values in (
        ("survey", {"birth_date": "1950-01-01", "address": "广东省深圳市南山区四路4号"}),
        ("account", {"email": "a@example.com"}),
        ("logs", {"ip_address": "203.0.113.7"}),
    ):
        shop.vault.write(actor=APP, subject_id=subject, purpose=purpose, values=values, source="app")
    cities = {c for c, _ in _rows(shop, "city", "purpose")}
    assert cities == {"上海市", "北京市", "unknown", "other"}
