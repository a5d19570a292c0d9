"""A proctor's actions on one candidate, each with a reason code and a note, audited, and harmless to repeat.

Every form and JSON call carries a one-time ``key``; the candidate's row is locked first, so a repeated or
doubled request finds the action already recorded and changes nothing. The attempt's row is the same one a
candidate's save locks, so an action and a save are applied one after the other, never interleaved.
"""
from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..core import audit
from ..core.errors import DomainError
from ..core.policy import setting
from ..exam import sitting
from ..exam.models import Attempt, Booking, ExamSession
from ..extensions import db
from .models import ProctorAction

REASONS = {
    "technical": _l("Technical problem"),
    "candidate_request": _l("Candidate's request (illness, restroom)"),
    "environment": _l("Testing environment (noise, alarm, power)"),
    "misconduct": _l("Suspected misconduct"),
    "identity": _l("Identity concern"),
    "administrative": _l("Administrative"),
}
ACTIONS = {
    "pause": _l("Pause"),
    "resume": _l("Resume"),
    "extend": _l("Extend time"),
    "release": _l("Release the device"),
    "terminate": _l("End for misconduct"),
    "reopen": _l("Reopen after a technical failure"),
    "move": _l("Move to another session"),
}


def _minutes(value, allow_zero: bool) -> int:
    most = setting("max_extension_minutes")
    if not isinstance(value, int) or value < (0 if allow_zero else 1) or value > most:
        raise DomainError("bad_input", _("Enter whole minutes from %(least)s to %(most)s.", least=0 if allow_zero
                                         else 1, most=most))
    return value


def perform(session: ExamSession, booking: Booking, action: str, reason: str, note: str, key: str, actor,
            at: datetime, minutes: int | None = None, to_session: ExamSession | None = None) -> ProctorAction:
    """Apply one action to the candidate with this booking in this session; a repeat of ``key`` returns the
    action already recorded."""
    if action not in ACTIONS:
        raise DomainError("bad_input", _("Choose an action."))
    if reason not in REASONS:
        raise DomainError("bad_input", _("Choose a reason."))
    note = (note or "").strip()
    if not note:
        raise DomainError("bad_input", _("Write a note saying what happened."))
    key = (key or "").strip()
    if not 16 <= len(key) <= 64:
        raise DomainError("bad_input", _("Reload the page and try again."))
    # FOR NO KEY UPDATE: a candidate's save updating the attempt takes a key-share lock on this booking (the
    # foreign key), which a plain FOR UPDATE would block while this waits for the attempt: a deadlock.
    booking = db.session.scalars(select(Booking).where(Booking.id == booking.id)
                                 .with_for_update(key_share=True)).one()
    done = db.session.scalars(select(ProctorAction).where(ProctorAction.key == key)).first()
    if done is not None:
        if done.booking_id != booking.id or done.action != action:
            raise DomainError("bad_input", _("Reload the page and try again."))
        return done
    if booking.session_id != session.id:
        raise DomainError("not_here", _("This candidate is not in this session."), status=409)
    attempt = booking.attempt
    if attempt is not None:
        attempt = db.session.scalars(select(Attempt).where(Attempt.id == attempt.id).with_for_update()).one()
        sitting.catch_up(attempt, at)   # act on the attempt as time has left it (the console showed it so)
    detail = _apply(action, booking, attempt, at, minutes, to_session)
    row = ProctorAction(key=key, session_id=session.id, booking_id=booking.id, actor_id=actor.id, action=action,
                        reason=reason, note=note, detail=detail, at=at)
    db.session.add(row)
    audit.record(f"exam.proctor_{action}", attempt or booking, actor=actor, reason=reason, note=note, **detail)
    return row


def _apply(action: str, booking: Booking, attempt: Attempt | None, at: datetime, minutes, to_session) -> dict:
    if action == "move":
        return _move(booking, attempt, to_session)
    if attempt is None:
        raise DomainError("not_started", _("This candidate has not started the exam."), status=409)
    if action == "pause":
        sitting.pause(attempt, at)
    elif action == "resume":
        sitting.resume(attempt, at)
    elif action == "extend":
        sitting.extend(attempt, _minutes(minutes, allow_zero=False) * 60, at)
        return {"minutes": minutes}
    elif action == "release":
        if attempt.state not in sitting.OPEN:
            raise DomainError("ended", _("This exam has already ended."), status=409)
        sitting.release(attempt)
    elif action == "terminate":
        sitting.terminate(attempt, at)
    elif action == "reopen":
        sitting.reopen(attempt, _minutes(minutes or 0, allow_zero=True) * 60, at)
        return {"minutes": minutes or 0}
    return {}


def _move(booking: Booking, attempt: Attempt | None, to: ExamSession | None) -> dict:
    """Seat the candidate in another session (its proctors take over); an attempt under way goes with them."""
    if to is None or to.id == booking.session_id:
        raise DomainError("bad_input", _("Choose the session to move the candidate to."))
    if attempt is not None and attempt.state not in sitting.OPEN:
        raise DomainError("ended", _("This exam has already ended."), status=409)
    if booking.language not in to.languages:
        raise DomainError("language", _("That session does not offer the candidate's exam language."), status=409)
    to = db.session.scalars(select(ExamSession).where(ExamSession.id == to.id).with_for_update()).one()
    taken = db.session.scalar(select(func.count(Booking.id)).where(Booking.session_id == to.id,
                                                                   Booking.status == "booked"))
    if taken >= to.capacity:
        raise DomainError("full", _("That session has no free seat."), status=409)
    if db.session.scalar(select(Booking.id).where(Booking.session_id == to.id, Booking.user_id == booking.user_id)):
        raise DomainError("already_booked", _("The candidate already has a seat in that session."), status=409)
    moved_from = booking.session_id
    booking.session_id = to.id
    if attempt is None:   # the new session's proctor checks the ID again
        booking.checkin = booking.checked_in_at = booking.checked_in_by_id = None
    return {"from_session": moved_from, "to_session": to.id}
