"""A guardian corrects or deletes a ward's data from the ward's page (监护人与被监护人), with CSRF, and nobody
else can: the same operations as PUT and DELETE /v1/me/wards/{ward}/pi, on SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.conftest import Clock
from tests.functional.test_centre_pages import csrf_of
from tests.functional.test_minors import APP, TEN_YEARS_OLD, consent_body
from tests.support.accounts import last_code, register
from yinsi.adapters.db.rows import AuditEventRow, table_of
from yinsi.api.app import create_app
from yinsi.bootstrap import Yinsi
from yinsi.core.errors import NotFound


def _centre(yinsi: Yinsi, api: TestClient, session: dict[str, str]) -> TestClient:
    """The person's privacy centre in a browser of its own, opened from their app with a hand-over code."""
    browser = TestClient(create_app(yinsi), raise_server_exceptions=False, follow_redirects=False)
    code = api.post("/v1/me/handover", headers=session).json()["code"]
    assert browser.post("/me/handover", data={"code": code}).status_code == 303
    return browser


@pytest.mark.db
def test_a_guardian_corrects_and_deletes_a_wards_data_from_the_wards_page(clinic: Yinsi, clock: Clock) -> None:
    api = TestClient(create_app(clinic), raise_server_exceptions=False)
    child = register(api, clinic, "13912345678")
    child_id = clinic.accounts.authenticate(child["Authorization"].split()[1])
    clinic.vault.write(
        actor=APP, subject_id=child_id, purpose="real_name_visit", values={"id_number": TEN_YEARS_OLD}, source="app"
    )
    clock.advance(seconds=61)
    parent = register(api, clinic, "13800138000")
    clock.advance(seconds=61)
    assert api.post("/v1/me/guardian", json={"guardian_phone": "13800138000"}, headers=child).status_code == 202
    assert api.post("/v1/me/wards", json={"code": last_code(clinic)}, headers=parent).status_code == 200
    for body in (
        {**consent_body("policy", "current"), "policy_version": "2026-01"},
        consent_body("purpose", "newsletter"),
    ):
        assert api.post(f"/v1/me/wards/{child_id}/consents", json=body, headers=parent).status_code == 201
    clinic.vault.write(actor=APP, subject_id=child_id, purpose="general_service", values={"name": "小明"}, source="app")
    clinic.vault.write(
        actor=APP, subject_id=child_id, purpose="newsletter", values={"email": "xm@example.com"}, source="app"
    )

    guardian = _centre(clinic, api, parent)
    page = guardian.get(f"/me/wards/{child_id}")
    assert page.status_code == 200
    assert "被监护人的个人信息" in page.text
    assert f'action="/me/wards/{child_id}/data/correct"' in page.text
    assert "xm@example.com" not in page.text  # masked, as on the person's own page
    assert TEN_YEARS_OLD not in page.text
    token = csrf_of(page.text)
    correct = f"/me/wards/{child_id}/data/correct"
    delete = f"/me/wards/{child_id}/data/delete"

    # Without this browser's CSRF token nothing changes.
    forged = guardian.post(correct, data={"field": "name", "value": "王小明"})
    assert forged.status_code == 403
    assert clinic.vault.read(actor=APP, subject_id=child_id, purpose="registration").values["name"] == "小明"

    corrected = guardian.post(correct, data={"csrf": token, "field": "name", "value": "王小明"})
    assert corrected.status_code == 303, corrected.text
    assert corrected.headers["location"] == f"/me/wards/{child_id}#ward-data"
    assert clinic.vault.read(actor=APP, subject_id=child_id, purpose="registration").values["name"] == "王小明"

    unconfirmed = guardian.post(delete, data={"csrf": token, "field": "email"})
    assert unconfirmed.status_code == 400
    deleted = guardian.post(delete, data={"csrf": token, "field": "email", "confirm": "yes"})
    assert deleted.status_code == 303, deleted.text
    with pytest.raises(NotFound):
        clinic.centre.delete_ward_pi(
            guardian=clinic.accounts.authenticate(parent["Authorization"].split()[1]), ward=child_id, field="email"
        )  # nothing left to delete
    held = guardian.post(delete, data={"csrf": token, "field": "id_number", "confirm": "yes"})
    assert held.status_code == 400
    assert TEN_YEARS_OLD not in held.text

    # The child (not their own guardian) and a stranger are refused, and change nothing.
    clock.advance(seconds=61)
    stranger = register(api, clinic, "13912345670")
    for session in (child, stranger):
        other = _centre(clinic, api, session)
        assert other.get(f"/me/wards/{child_id}").status_code == 403
        token_of_other = csrf_of(other.get("/me/consents").text)
        refused = other.post(correct, data={"csrf": token_of_other, "field": "name", "value": "X"})
        assert refused.status_code == 403
        gone = other.post(delete, data={"csrf": token_of_other, "field": "name", "confirm": "yes"})
        assert gone.status_code == 403
    assert clinic.vault.read(actor=APP, subject_id=child_id, purpose="registration").values["name"] == "王小明"

    with clinic.engine.connect() as connection:
        events = [json.loads(b) for b in connection.execute(select(table_of(AuditEventRow).c.body)).scalars()]
    shown = [e for e in events if e["action"] == "pi-shown-to-guardian"]
    assert shown
    assert shown[0]["subject"] == child_id
    assert "小明" not in json.dumps(events, ensure_ascii=False)
