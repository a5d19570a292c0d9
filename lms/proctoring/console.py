"""The live console: every candidate of a session, their state, progress, time left and last contact.

One query for the seats (with people and attempts, not their forms) and one for the answered counts and the
forms' lengths, whatever the size of the session. It only reads: an attempt whose break or time ran out shows
as the candidate's next request (or the sweeper) will make it.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from ..candidates.accommodations import plan_for, summary_labels
from ..accounts.models import User
from ..candidates.models import AccommodationRequest, Application
from ..core.policy import setting
from ..exam import sitting
from ..exam.models import Attempt, AttemptAnswer, Booking, ExamSession
from ..extensions import db

STATES = {
    "not_checked_in": _l("Not checked in"),
    "awaiting_admission": _l("Awaiting admission"),
    "no_show": _l("Absent"),
    "id_refused": _l("ID refused"),
    "in_progress": _l("In progress"),
    "on_break": _l("On break"),
    "paused": _l("Paused"),
    "submitted": _l("Submitted"),
    "expired": _l("Time ran out"),
    "terminated": _l("Ended by proctor"),
    "cancelled": _l("Cancelled"),
}


@dataclass
class Row:
    booking: int
    name: str
    language: str
    accommodations: list[str]
    state: str
    state_label: str
    answered: int
    total: int
    remaining_seconds: int | None
    last_contact_seconds: int | None
    disconnected: bool
    attempt: str | None
    device_held: bool
    checked_in: bool


def seats(session: ExamSession) -> list[Booking]:
    """The session's bookings with their people, applications and attempts (not the attempts' forms)."""
    return list(db.session.scalars(
        select(Booking).where(Booking.session_id == session.id)
        .options(joinedload(Booking.user).load_only(User.name),
                 joinedload(Booking.attempt).defer(Attempt.form).defer(Attempt.result).defer(Attempt.break_points),
                 joinedload(Booking.application).load_only(Application.legal_name)
                 .selectinload(Application.accommodation_requests).load_only(AccommodationRequest.status)
                 .selectinload(AccommodationRequest.items))
        .order_by(Booking.id)).unique())


def seat_state(booking: Booking) -> str:
    """The booking's state as the console names it (before catching up with the clock)."""
    if booking.status == "cancelled":
        return "cancelled"
    if booking.attempt is not None:
        return booking.attempt.state
    return {"present": "awaiting_admission", "no_show": "no_show", "id_refused": "id_refused"}.get(
        booking.checkin or "", "not_checked_in")


def rows(session: ExamSession, at: datetime) -> list[Row]:
    bookings = seats(session)
    attempts = [b.attempt for b in bookings if b.attempt is not None]
    ids = [a.id for a in attempts]
    # Questions answered and the form's length (without loading the 120-entry form), per attempt.
    counts = {n: (answered, total) for n, total, answered in db.session.execute(
        select(Attempt.id, func.json_array_length(Attempt.form), func.count(AttemptAnswer.id))
        .outerjoin(AttemptAnswer, (AttemptAnswer.attempt_id == Attempt.id) & AttemptAnswer.option.is_not(None))
        .where(Attempt.id.in_(ids)).group_by(Attempt.id))} if ids else {}
    quiet = setting("disconnected_after_seconds")
    out = []
    for booking in sorted(bookings, key=lambda b: (b.user.name.casefold(), b.id)):
        attempt, state, left = booking.attempt, seat_state(booking), None
        if attempt is not None and attempt.state in sitting.OPEN:
            state, left = sitting.seen_at(attempt, at)   # as the candidate's next request will find it
        live = state in sitting.OPEN
        contact = attempt.last_contact_at if attempt is not None else None
        since = max(0, math.floor((at - contact).total_seconds())) if contact is not None and live else None
        out.append(Row(
            booking=booking.id, name=booking.user.name, language=booking.language,
            accommodations=[str(x) for x in summary_labels(attempt if attempt is not None
                                                           else plan_for(booking.application))],
            state=state, state_label=str(STATES[state]), answered=counts[attempt.id][0] if attempt else 0,
            total=counts[attempt.id][1] if attempt else 0,
            remaining_seconds=left if live else None,
            last_contact_seconds=since, disconnected=since is not None and since >= quiet,
            attempt=attempt.public_id if attempt else None, device_held=bool(attempt and attempt.device_hash),
            checked_in=booking.checkin == "present"))
    return out


def as_json(session: ExamSession, at: datetime) -> dict:
    listed = rows(session, at)
    counts: dict[str, int] = {}
    for row in listed:
        counts[row.state] = counts.get(row.state, 0) + 1
    return {"session": session.id, "at": at.isoformat(), "counts": counts, "candidates": [dict(vars(r)) for r in listed]}
