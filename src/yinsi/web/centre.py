"""The privacy centre (我的 → 隐私): the pages a person uses to see and change what is held about them.

Each handler parses a form, calls one operation of ``PrivacyCentre``, ``Accounts`` or ``Rights`` (the same
ones /v1/me calls) and renders a template. Every page here needs the person's session (logging in is in
``login``); everything a page shows or changes is that person's own, or a linked ward's (checked by the
service).
"""

from __future__ import annotations

from typing import Annotated, Any

from anyio.to_thread import run_sync
from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from yinsi.core.errors import Forbidden, YinsiError
from yinsi.core.policy.login import LoginMethod
from yinsi.core.policy.vocabulary import CookieCategory, LegalBasis
from yinsi.core.requests import RequestType
from yinsi.services.consent import Action, ConsentAct, Kind
from yinsi.services.rights import Filing
from yinsi.web.login import scheme_of
from yinsi.web.messages import local, word
from yinsi.web.pages import (
    call,
    checked_form,
    client_of,
    current_person,
    error_page,
    lang_of,
    redirect,
    render,
    safe_next,
    shown_hash,
    text,
    yinsi_of,
)

router = APIRouter(prefix="/me", include_in_schema=False)
Person = Annotated[str, Depends(current_person)]

SELF_SERVICE_TYPES = (
    RequestType.ACCESS,
    RequestType.COPY,
    RequestType.CORRECT,
    RequestType.DELETE,
    RequestType.EXPLAIN,
    RequestType.CANCEL_ACCOUNT,
)
RELATIONSHIPS = ("spouse", "parent", "child", "sibling", "grandparent", "grandchild")


# ---------------------------------------------------------------------------------------------- home and policy


def _latest_material(request: Request) -> list[dict[str, Any]]:
    versions = yinsi_of(request).centre.policy_versions()
    latest = next((v for v in versions if v.material), None)
    return [c for c in latest.changes if c.get("material")] if latest is not None else []


@router.get("", response_class=HTMLResponse)
async def home(request: Request, person: Person) -> HTMLResponse:
    centre = yinsi_of(request).centre
    standing = await call(centre.standing, subject=person)
    changes = await run_sync(_latest_material, request) if standing.reconsent_required else []
    lang = lang_of(request)
    shown = "\n".join([word("reconsent_body", lang), *(local(c["zh"], c["en"], lang) for c in changes)])
    return render(
        request,
        "home.html",
        {"standing": standing, "changes": changes, "accept_hash": shown_hash(shown)},
        person=person,
    )


@router.post("/policy/accept")
async def accept_policy(request: Request, person: Person) -> Response:
    form = await checked_form(request)
    shown = text(form, "shown_hash", 64)
    await call(
        yinsi_of(request).centre.accept_policy,
        subject=person,
        policy_version=text(form, "version", 40),
        text_hash=shown,
        language=lang_of(request),
        channel="web",
        affirmative=form.get("accept") == "yes",
    )
    return redirect(safe_next(text(form, "next", 300)))


@router.get("/policy", response_class=HTMLResponse)
async def policy_page(request: Request, person: Person) -> HTMLResponse:
    versions = await call(yinsi_of(request).centre.policy_versions)
    return render(request, "policy.html", {"versions": versions}, person=person)


# ---------------------------------------------------------------------------------------------- my data


@router.get("/data", response_class=HTMLResponse)
async def my_data(request: Request, person: Person) -> HTMLResponse:
    items = await call(yinsi_of(request).centre.my_data, subject=person)
    return render(request, "data.html", {"items": items}, person=person)


def _reveal_page(request: Request, person: str, field: str, **extra: Any) -> HTMLResponse:
    policy = yinsi_of(request).policy.current()
    spec_field = policy.spec.fields.get(field)
    scheme = scheme_of(request)
    return render(
        request,
        "reveal.html",
        {
            "field": field,
            "label": spec_field.label if spec_field is not None else field,
            "by_password": scheme is not None and scheme.method is LoginMethod.USERNAME_PASSWORD,
            **extra,
        },
        person=person,
        status=400 if extra.get("error") else 200,
    )


@router.get("/data/reveal", response_class=HTMLResponse)
async def reveal_page(request: Request, person: Person) -> HTMLResponse:
    return _reveal_page(request, person, request.query_params.get("field", "")[:64])


@router.post("/data/reveal-code", response_class=HTMLResponse)
async def reveal_code(request: Request, person: Person) -> HTMLResponse:
    form = await checked_form(request)
    field = text(form, "field", 64)
    try:
        await call(yinsi_of(request).centre.send_reveal_code, subject=person, client=client_of(request))
    except YinsiError as exc:
        return _reveal_page(request, person, field, error=exc.message.get(lang_of(request)))
    return _reveal_page(request, person, field, notice=word("code_sent", lang_of(request)))


@router.post("/data/reveal", response_class=HTMLResponse)
async def reveal(request: Request, person: Person) -> HTMLResponse:
    form = await checked_form(request)
    field = text(form, "field", 64)
    try:
        value = await call(
            yinsi_of(request).centre.reveal,
            subject=person,
            field=field,
            client=client_of(request),
            code=text(form, "code", 12),
            password=text(form, "password", 256),
        )
    except YinsiError as exc:
        return _reveal_page(request, person, field, error=exc.message.get(lang_of(request)))
    return _reveal_page(request, person, field, value=value)


# ---------------------------------------------------------------------------------------------- consents


def consent_items(request: Request) -> dict[str, list[dict[str, Any]]]:
    """What the person can switch, grouped as the policy declares it, each with the text shown."""
    policy = yinsi_of(request).policy.current()
    spec = policy.spec
    lang = lang_of(request)

    def item(kind: Kind, scope: str, label: Any, description: Any = None, fixed: bool = False) -> dict[str, Any]:
        shown = label.get(lang) + ("\n" + description.get(lang) if description is not None else "")
        return {
            "kind": kind.value,
            "scope": scope,
            "label": label,
            "description": description,
            "fixed": fixed,
            "hash": shown_hash(shown),
        }

    purposes = [
        item(Kind.SEPARATE if pid in policy.separate_purposes else Kind.PURPOSE, pid, p.label, p.description)
        for pid, p in spec.purposes.items()
        if p.legal_basis is LegalBasis.CONSENT
    ]
    purposes += [
        item(Kind.SEPARATE, f"recipient.{rid}", r.name)
        for rid, r in spec.recipients.items()
        if rid in policy.separate_recipients
    ]
    purposes += [
        item(Kind.SEPARATE, f"public.{did}", d.label, d.description)
        for did, d in spec.public_disclosures.items()
        if did in policy.separate_disclosures
    ]
    permissions = [item(Kind.PERMISSION, pid, p.label, p.description) for pid, p in spec.permissions.items()]
    cookies = [
        item(Kind.COOKIE, cid, c.label, c.description, fixed=c.category is CookieCategory.ESSENTIAL)
        for cid, c in spec.cookies.items()
    ]
    personalised = [p for p in spec.purposes.values() if p.personalisation]
    personalisation = (
        [item(Kind.PERSONALISATION, "all", personalised[0].label, personalised[0].description)] if personalised else []
    )
    return {"purposes": purposes, "permissions": permissions, "cookies": cookies, "personalisation": personalisation}


@router.get("/consents", response_class=HTMLResponse)
async def consents_page(request: Request, person: Person) -> HTMLResponse:
    standing = await call(yinsi_of(request).centre.standing, subject=person)
    return render(
        request,
        "consents.html",
        {"groups": consent_items(request), "standing": standing, "action": "/me/consents"},
        person=person,
    )


@router.post("/consents")
async def change_consent(request: Request, person: Person) -> Response:
    return await _change(request, person, None)


@router.get("/wards/{ward_id}", response_class=HTMLResponse)
async def ward_page(request: Request, ward_id: str, person: Person) -> HTMLResponse:
    """A guardian's view of a ward: their consents, changed for them, and their data, masked, to correct or
    delete for them (only a linked guardian's; the data only where the spec lets guardians see it)."""
    ward = ward_id[:64]
    centre = yinsi_of(request).centre
    try:
        standing = await call(centre.ward_standing, guardian=person, ward=ward)
    except YinsiError as exc:
        return error_page(request, exc, status=403)
    try:
        items = await call(centre.ward_data, guardian=person, ward=ward)
    except Forbidden:  # the spec does not let guardians see a ward's data: the consents alone
        items = None
    return render(
        request,
        "consents.html",
        {
            "groups": consent_items(request),
            "standing": standing,
            "action": f"/me/wards/{ward}/consents",
            "ward": True,
            "items": items,
            "data_action": f"/me/wards/{ward}/data",
        },
        person=person,
    )


@router.post("/wards/{ward_id}/data/{step}")
async def change_ward_data(request: Request, ward_id: str, step: str, person: Person) -> Response:
    """The guardian corrects (or supplements) or deletes one item of the ward's data: the same operations as
    PUT and DELETE /v1/me/wards/{ward}/pi, which refuse anyone but the linked guardian."""
    form = await checked_form(request)
    ward = ward_id[:64]
    field = text(form, "field", 64)
    centre = yinsi_of(request).centre
    try:
        if step == "correct":
            await call(
                centre.correct_ward_pi,
                guardian=person,
                ward=ward,
                values={field: text(form, "value", 500)},
                purpose=None,
            )
        elif step == "delete" and form.get("confirm") == "yes":
            await call(centre.delete_ward_pi, guardian=person, ward=ward, field=field)
        else:
            return error_page(request, None, status=400, message=word("error_title", lang_of(request)))
    except Forbidden as exc:
        return error_page(request, exc, status=403)
    except YinsiError as exc:
        return error_page(request, exc, status=400)
    return redirect(f"/me/wards/{ward}#ward-data")


@router.post("/wards/{ward_id}/consents")
async def change_ward_consent(request: Request, ward_id: str, person: Person) -> Response:
    return await _change(request, person, ward_id[:64])


async def _change(request: Request, person: str, ward: str | None) -> Response:
    form = await checked_form(request)
    try:
        kind = Kind(text(form, "kind", 24))
        action = Action(text(form, "action", 12))
    except ValueError:
        return error_page(request, None, status=400, message=word("error_title", lang_of(request)))
    act = ConsentAct(
        kind, text(form, "scope", 128), action, "web", text(form, "shown_hash", 64), lang_of(request), True
    )
    centre = yinsi_of(request).centre
    try:
        if ward is None:
            await call(centre.give, subject=person, act=act)
        else:
            await call(centre.give, subject=ward, act=act, by=person)
    except YinsiError as exc:
        return error_page(request, exc, status=400)
    page = "/me/consents" if ward is None else f"/me/wards/{ward}"
    return redirect(f"{page}#{kind.value}-{act.scope}")


# ---------------------------------------------------------------------------------------------- requests


def _fields(request: Request) -> list[tuple[str, Any]]:
    return [(fid, f.label) for fid, f in yinsi_of(request).policy.current().spec.fields.items()]


@router.get("/requests", response_class=HTMLResponse)
async def requests_page(request: Request, person: Person) -> HTMLResponse:
    views = await call(yinsi_of(request).rights.list_for, by=person)
    return render(
        request,
        "requests.html",
        {"views": views, "types": [t.value for t in SELF_SERVICE_TYPES], "fields": _fields(request)},
        person=person,
    )


@router.post("/requests")
async def file_request(request: Request, person: Person) -> Response:
    form = await checked_form(request)
    lang = lang_of(request)
    try:
        kind = RequestType(text(form, "type", 24))
    except ValueError:
        return error_page(request, None, status=400, message=word("error_title", lang))
    field = text(form, "field", 64)
    filing = Filing(
        fields=[field] if field and kind in (RequestType.DELETE, RequestType.CORRECT) else [],
        values={field: text(form, "value", 500)} if kind is RequestType.CORRECT and field else {},
        text=text(form, "text") or None,
        lang=lang,
    )
    try:
        view = await call(yinsi_of(request).rights.file, subject=person, kind=kind, filing=filing, by=person)
    except YinsiError as exc:
        return error_page(request, exc, status=400)
    return redirect(f"/me/requests/{view.id}")


@router.get("/requests/{request_id}", response_class=HTMLResponse)
async def request_page(request: Request, request_id: str, person: Person) -> HTMLResponse:
    try:
        shown = await call(
            yinsi_of(request).centre.request, subject=person, request_id=request_id[:64], lang=lang_of(request)
        )
    except YinsiError as exc:
        return error_page(request, exc, status=404)
    return render(
        request,
        "request.html",
        {"view": shown.view, "export_id": shown.export_id, "blockers": shown.blockers},
        person=person,
    )


@router.post("/requests/{request_id}/{step}")
async def request_step(request: Request, request_id: str, step: str, person: Person) -> Response:
    await checked_form(request)
    rights = yinsi_of(request).rights
    try:
        if step == "proceed":
            await call(rights.proceed, request_id=request_id[:64], subject=person)
        elif step == "withdraw":
            await call(rights.withdraw, request_id=request_id[:64], by=person)
        else:
            return error_page(request, None, status=404, message=word("not_found", lang_of(request)))
    except YinsiError as exc:
        return error_page(request, exc, status=400)
    return redirect(f"/me/requests/{request_id[:64]}")


@router.get("/exports/{export_id}")
async def download_export(request: Request, export_id: str, person: Person) -> Response:
    try:
        data = await call(yinsi_of(request).rights.download, export_id=export_id[:64], subject=person)
    except YinsiError as exc:
        return error_page(request, exc, status=404)
    return Response(
        data,
        media_type="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="yinsi-export-{export_id[:8]}.zip"',
            "Cache-Control": "no-store",
        },
    )


@router.get("/complaint", response_class=HTMLResponse)
async def complaint_page(request: Request, person: Person) -> HTMLResponse:
    return render(request, "complaint.html", {}, person=person)


@router.post("/complaint")
async def complain(request: Request, person: Person) -> Response:
    form = await checked_form(request)
    filing = Filing(text=text(form, "text") or None, lang=lang_of(request))
    try:
        view = await call(
            yinsi_of(request).rights.file, subject=person, kind=RequestType.COMPLAIN, filing=filing, by=person
        )
    except YinsiError as exc:
        return error_page(request, exc, status=400)
    return redirect(f"/me/requests/{view.id}")


# ---------------------------------------------------------------------------------------------- account, family


@router.get("/access-log", response_class=HTMLResponse)
async def access_log_page(request: Request, person: Person) -> HTMLResponse:
    entries = await call(yinsi_of(request).centre.access_log, subject=person)
    return render(request, "access_log.html", {"entries": entries}, person=person)


@router.get("/guardians", response_class=HTMLResponse)
async def guardians_page(request: Request, person: Person, notice: str | None = None) -> HTMLResponse:
    centre = yinsi_of(request).centre
    standing = await call(centre.standing, subject=person)
    wards = await call(centre.wards, guardian=person)
    return render(request, "guardians.html", {"standing": standing, "wards": wards, "notice": notice}, person=person)


@router.post("/guardians/{step}", response_class=HTMLResponse)
async def guardians_step(request: Request, step: str, person: Person) -> Response:
    form = await checked_form(request)
    centre = yinsi_of(request).centre
    lang = lang_of(request)
    try:
        if step == "invite":
            await call(centre.request_guardian, subject=person, guardian_phone=text(form, "guardian_phone", 32))
            return await guardians_page(request, person, notice=word("link_sent", lang))
        if step == "confirm":
            await call(centre.confirm_ward, subject=person, code=text(form, "code", 12))
            return redirect("/me/guardians")
    except YinsiError as exc:
        return error_page(request, exc, status=400)
    return error_page(request, None, status=404, message=word("not_found", lang))


@router.get("/next-of-kin", response_class=HTMLResponse)
async def next_of_kin_page(request: Request, person: Person) -> HTMLResponse:
    return render(request, "next_of_kin.html", {"relationships": RELATIONSHIPS}, person=person)


@router.post("/next-of-kin")
async def next_of_kin(request: Request, person: Person) -> Response:
    form = await checked_form(request)
    relationship = text(form, "relationship", 16)
    wants = text(form, "wants", 8)
    filing = Filing(
        text=text(form, "text") or None,
        deceased_phone=text(form, "deceased_phone", 32),
        relationship=relationship if relationship in RELATIONSHIPS else None,
        wants=wants if wants in ("access", "copy", "correct", "delete") else None,
        lang=lang_of(request),
    )
    try:
        view = await call(yinsi_of(request).rights.file_next_of_kin, by=person, filing=filing)
    except YinsiError as exc:
        return error_page(request, exc, status=400)
    return redirect(f"/me/requests/{view.id}")
