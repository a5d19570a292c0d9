"""Check-in and admission: the proctor verifies the candidate's photo ID against the application, marks them
present or absent, then admits them (in person: the proctor starts the exam; online: the candidate enters
the session's admission code the proctor shows)."""
from __future__ import annotations

import secrets
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..core import audit
from ..core.errors import DomainError
from ..exam import sitting
from ..exam.models import Attempt, Booking, ExamSession
from ..extensions import db

ID_TYPES = {
    "driver_license": _l("Driver's license"),
    "state_id": _l("State ID card"),
    "passport": _l("Passport"),
    "military_id": _l("Military ID"),
    "other_government": _l("Other government photo ID"),
}
OUTCOMES = {"present": _l("Present"), "no_show": _l("Absent"), "id_refused": _l("ID refused")}


def legal_name(booking: Booking) -> str:
    """The name the ID must match: the application's legal name, else the account's."""
    application = booking.application
    return (application.legal_name if application is not None else "") or booking.user.name


def _locked(booking: Booking) -> Booking:
    return db.session.scalars(select(Booking).where(Booking.id == booking.id).with_for_update(key_share=True)).one()


def check_in(booking: Booking, actor, outcome: str, at: datetime, id_type: str = "", id_last: str = "",
             name_matches: bool = False) -> None:
    """Record the ID check: present (a government photo ID whose name matches), absent, or refused."""
    booking = _locked(booking)
    if booking.status != "booked":
        raise DomainError("not_booked", _("This seat is not booked."), status=409)
    if booking.attempt is not None:
        raise DomainError("admitted", _("This candidate is already admitted."), status=409)
    if outcome not in OUTCOMES:
        raise DomainError("bad_input", _("Choose present, absent or ID refused."))
    id_last = id_last.strip().upper()
    if outcome == "present":
        if id_type not in ID_TYPES:
            raise DomainError("bad_input", _("Choose the type of photo ID the candidate showed."))
        if not name_matches:
            raise DomainError("bad_input", _("The name on the ID must match the application. If it does not, "
                                             "record the ID as refused: the candidate cannot test."))
        if not (2 <= len(id_last) <= 4 and id_last.isalnum()):
            raise DomainError("bad_input", _("Enter the last 2 to 4 letters or digits of the ID number."))
    booking.checkin, booking.checked_in_at, booking.checked_in_by_id = outcome, at, actor.id
    booking.id_type = id_type if outcome == "present" else (id_type or None)
    booking.id_last = id_last if outcome == "present" else None
    booking.name_matches = name_matches if outcome != "no_show" else None
    audit.record("exam.checked_in", booking, actor=actor, outcome=outcome, id_type=booking.id_type)


def admit(booking: Booking, actor, at: datetime) -> Attempt:
    """Start the exam of a candidate who is checked in as present."""
    if booking.checkin != "present":
        raise DomainError("not_checked_in", _("Check the candidate's ID and mark them present before admitting "
                                              "them."), status=409)
    return sitting.admit(booking, at, actor)


def admit_by_code(user, booking: Booking, code: str, at: datetime) -> Attempt:
    """Online: the candidate enters the admission code the proctor shows, once checked in."""
    session: ExamSession = booking.session
    if booking.user_id != user.id or booking.status != "booked":
        raise DomainError("not_booked", _("This seat is not booked."), status=409)
    if session.mode != "online":
        raise DomainError("not_online", _("At a test centre your proctor starts the exam at your workstation."),
                          status=409)
    if not secrets.compare_digest(code.strip().upper().replace(" ", "").encode(), session.admission_code.encode()):
        raise DomainError("bad_code", _("That admission code is not right. Check it with your proctor and enter "
                                        "it again."))
    if booking.checkin != "present":
        raise DomainError("not_checked_in", _("Your proctor has not checked your ID yet. Show your photo ID on "
                                              "camera and wait until the proctor says you are checked in."),
                          status=409)
    return sitting.admit(booking, at, user)
