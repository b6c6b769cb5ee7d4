"""The demo booking service of `make run`: an operator's own service, in the same process for the demo.

It does what any operator service does through the vault, with its own role (``booking_service`` of seed
001): it books an appointment with the person's real name and ID number (written for the ``booking``
purpose, so the vault decides, seals and audits), and it reports each unfinished appointment as a
cancellation blocker, which it clears when the appointment is over. It keeps nothing of its own: the
appointments it shows are its open blockers. Its page also carries the cookie banner, with an analytics
script that runs only after the person agrees to analytics cookies.
"""

from __future__ import annotations

import logging
import secrets
from typing import Annotated

from anyio.to_thread import run_sync
from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from yinsi.bootstrap import Yinsi
from yinsi.core.errors import YinsiError
from yinsi.core.i18n import Msg
from yinsi.core.policy.vocabulary import Operation
from yinsi.services.vault import Actor
from yinsi.web.pages import LoginNeeded, checked_form, current_person, error_page, redirect, render, text, yinsi_of

log = logging.getLogger(__name__)
router = APIRouter(prefix="/demo", include_in_schema=False)
Person = Annotated[str, Depends(current_person)]

BOOKING = Actor("demo:booking-service", "booking_service")
BLOCKER_KIND = "unfinished_appointment"
DEMO_PHONE = "13800138000"
DEMO_NAME = "张三"
DEMO_ID_NUMBER = "11010519491231002X"


def _appointment(day: str) -> tuple[Msg, Msg]:
    return (
        Msg(f"未完成的预约：{day}", f"An unfinished appointment: {day}"),
        Msg("请先就诊或在预约服务中取消该预约。", "Attend it, or cancel it in the booking service, first."),
    )


def book(yinsi: Yinsi, *, subject: str, real_name: str, id_number: str, day: str) -> int:
    """Books: the real name and ID number go into the vault for ``booking``; the appointment becomes a blocker."""
    yinsi.vault.write(
        actor=BOOKING,
        subject_id=subject,
        purpose="booking",
        values={"real_name": real_name, "id_number": id_number},
        source="demo-booking",
    )
    label, action = _appointment(day)
    return yinsi.rights.add_blocker(subject=subject, kind=BLOCKER_KIND, label=label, action=action, actor=BOOKING)


DEMO_OFFICER = "officer.demo"


def seed_officer(yinsi: Yinsi) -> tuple[str, str] | None:
    """A privacy officer for the demo's console: a password and a TOTP secret made anew at each start (both are
    stored hashed or sealed and cannot be shown again), returned to be printed. None under a spec without a
    ``privacy_officer`` staff role."""
    if "privacy_officer" not in yinsi.policy.current().spec.roles:
        return None
    password = secrets.token_urlsafe(12)
    try:
        made = yinsi.admin.create_staff(username=DEMO_OFFICER, role="privacy_officer", password=password)
    except YinsiError:  # there from an earlier start
        yinsi.admin.reset_staff_password(username=DEMO_OFFICER, password=password)
        made = yinsi.admin.reset_totp(username=DEMO_OFFICER)
    return password, made.totp_secret


def appointments(yinsi: Yinsi, subject: str) -> list[dict[str, object]]:
    return [b for b in yinsi.centre.blockers(subject=subject) if b["kind"] == BLOCKER_KIND]


def seed(yinsi: Yinsi) -> str | None:
    """The demo person: a subject the booking service created with a phone number, a real name, an ID number
    and an unfinished appointment, as if they had booked by phone before ever opening the app. Logging in
    with the number and an SMS code opens their account (service-first onboarding). Idempotent. None under
    a spec without seed 001's booking service (the demo page then shows only the cookie banner)."""
    policy = yinsi.policy.current()
    if BOOKING.role not in policy.spec.roles:
        log.warning("the demo booking service needs seed 001's role %s: no demo person", BOOKING.role)
        return None
    blockers = Operation.MANAGE_BLOCKERS in policy.role_operations.get(BOOKING.role, frozenset())
    if not blockers:
        # A data directory where plain seed 001 was published before: the demo's one line is not in force.
        log.warning(
            "the policy in force does not let %s manage cancellation blockers: the demo person has no "
            "appointment (run 'yinsi policy publish examples/demo/appointments.yaml' to put the demo's spec in force)",
            BOOKING.role,
        )
    found = yinsi.vault.lookup(actor=BOOKING, field="mobile", value=DEMO_PHONE, purpose="registration")
    if found:
        return found[0]
    subject = yinsi.vault.create_subject(actor=BOOKING)
    yinsi.vault.write(
        actor=BOOKING, subject_id=subject, purpose="registration", values={"mobile": DEMO_PHONE}, source="demo-booking"
    )
    if blockers:
        book(yinsi, subject=subject, real_name=DEMO_NAME, id_number=DEMO_ID_NUMBER, day="2026-12-24 09:30")
    else:
        values = {"real_name": DEMO_NAME, "id_number": DEMO_ID_NUMBER}
        yinsi.vault.write(actor=BOOKING, subject_id=subject, purpose="booking", values=values, source="demo-booking")
    return subject


@router.get("", response_class=HTMLResponse)
async def demo_page(request: Request) -> HTMLResponse:
    yinsi = yinsi_of(request)
    try:
        person: str | None = await current_person(request)
    except LoginNeeded:  # not logged in: the page still shows, with a link to log in
        person = None
    booked = await run_sync(appointments, yinsi, person) if person else []
    return render(request, "demo.html", {"booked": booked, "who": person}, person=person)


@router.post("/book")
async def demo_book(request: Request, person: Person) -> Response:
    form = await checked_form(request)
    yinsi = yinsi_of(request)
    try:
        await run_sync(
            lambda: book(
                yinsi,
                subject=person,
                real_name=text(form, "real_name", 64),
                id_number=text(form, "id_number", 32),
                day=text(form, "day", 32) or "2026-12-31 10:00",
            )
        )
    except YinsiError as exc:
        return error_page(request, exc, status=400)
    return redirect("/demo")


@router.post("/finish/{blocker_id}")
async def demo_finish(request: Request, blocker_id: int, person: Person) -> Response:
    await checked_form(request)
    yinsi = yinsi_of(request)
    try:
        await run_sync(lambda: yinsi.rights.clear_blocker(subject=person, blocker_id=blocker_id, actor=BOOKING))
    except YinsiError as exc:
        return error_page(request, exc, status=400)
    return redirect("/demo")
