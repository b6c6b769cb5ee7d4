"""Values come back typed as the spec declares: an integer field is a JSON number, a date an ISO string."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.conftest import ROOT, Backend, Clock
from tests.support.consent import accept_policy
from tests.support.http import api_key, staff_session
from yinsi.api.app import create_app
from yinsi.bootstrap import Yinsi, open_yinsi
from yinsi.core.policy.compiled import CompiledPolicy
from yinsi.core.policy.load import load_policy_text
from yinsi.core.policy.vocabulary import FieldType
from yinsi.core.validation import presented, presented_values

TYPED_FIELDS = """\
  age:
    type: integer
    label: {zh-CN: 年龄, en: Age}
    category: basic
  birthday:
    type: date
    label: {zh-CN: 生日, en: Birthday}
    category: basic
"""


def _typed_clinic() -> CompiledPolicy:
    text = (ROOT / "tests" / "fixtures" / "clinic.yaml").read_text(encoding="utf-8")
    text = text.replace("fields:\n  mobile:\n", f"fields:\n{TYPED_FIELDS}  mobile:\n", 1)
    text = text.replace("fields: [mobile, name, email]", "fields: [mobile, name, email, age, birthday]", 1)
    text = text.replace(
        "fields: {mobile: masked, name: whole, email: masked,",
        "fields: {age: whole, birthday: whole, mobile: masked, name: whole, email: masked,",
        1,
    )
    text = text.replace(
        "fields: {mobile: masked, name: masked, id_number: masked}",
        "fields: {mobile: masked, name: masked, id_number: masked, age: masked}",
        1,
    )
    result = load_policy_text(text, "typed-clinic.yaml")
    assert result.spec is not None, [p.format("en") for p in result.errors]
    return CompiledPolicy.from_spec(result.spec)


@pytest.fixture
def typed(backend: Backend, clock: Clock) -> Iterator[Yinsi]:
    instance = open_yinsi(backend.settings, migrate=False, policy=_typed_clinic(), now=clock)
    yield instance
    instance.close()


@pytest.fixture
def client(typed: Yinsi) -> Iterator[TestClient]:
    with TestClient(create_app(typed), raise_server_exceptions=False) as test_client:
        yield test_client


def test_an_integer_comes_back_as_a_number_and_a_date_as_an_iso_string(client: TestClient, typed: Yinsi) -> None:
    app = api_key(typed, "clinic_app")
    subject = client.post("/v1/subjects", headers=app).json()["id"]
    accept_policy(typed, subject)
    written = client.put(
        f"/v1/subjects/{subject}/pi",
        headers=app,
        json={"purpose": "registration", "source": "test", "values": {"age": 34, "birthday": "1990-05-01"}},
    )
    assert written.status_code == 200, written.text
    read = client.get(f"/v1/subjects/{subject}/pi?purpose=registration&fields=age,birthday", headers=app)
    assert read.status_code == 200, read.text
    assert read.json()["values"] == {"age": 34, "birthday": "1990-05-01"}
    # Written as text, it still comes back as the number the spec declares.
    client.put(
        f"/v1/subjects/{subject}/pi",
        headers=app,
        json={"purpose": "registration", "source": "test", "values": {"age": "35"}},
    )
    again = client.get(f"/v1/subjects/{subject}/pi?purpose=registration&fields=age", headers=app).json()
    assert again["values"] == {"age": 35}
    # A masked integer is a mask, not a number.
    desk = staff_session(client, typed, "front_desk")
    masked = client.get(f"/v1/subjects/{subject}/pi?purpose=registration&fields=age", headers=desk).json()
    assert masked["forms"] == {"age": "masked"}
    assert isinstance(masked["values"]["age"], str)


def test_presented_types_only_canonical_integers() -> None:
    assert presented(FieldType.INTEGER, "34") == 34
    assert presented(FieldType.INTEGER, "-7") == -7
    assert presented(FieldType.INTEGER, "***") == "***"
    assert presented(FieldType.INTEGER, "9" * 40) == "9" * 40  # never parses a huge string
    assert presented(FieldType.DATE, "2024-03-01") == "2024-03-01"
    assert presented(FieldType.MOBILE, "13800138000") == "13800138000"
    types = {"age": FieldType.INTEGER, "name": FieldType.NAME}
    assert presented_values(types, {"age": "34", "name": "张三", "gone": "1"}) == {
        "age": 34,
        "name": "张三",
        "gone": "1",
    }
    assert presented_values(types, {"age": "34"}, masked=["age"]) == {"age": "34"}
