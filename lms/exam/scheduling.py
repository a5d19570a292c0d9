"""Exam sessions and seats: staff create sessions; candidates book a seat in a language the bank can serve."""
from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select

from ..candidates import eligibility
from ..candidates.models import RetakeRequest
from ..core import audit
from ..core.errors import DomainError
from ..extensions import db
from ..itembank.loader import LANGUAGES, shipped_blueprint
from ..itembank.store import working_bank
from .models import Booking, ExamSession

MODES = ("center", "online")


def offerable_languages() -> list[str]:
    return working_bank(shipped_blueprint()).offerable_languages()


def create_session(actor, mode: str, starts_at: datetime | None, location: str, capacity: int | None,
                   languages: list[str]) -> ExamSession:
    if mode not in MODES:
        raise DomainError("bad_input", _("Choose a test centre or online."))
    if starts_at is None:
        raise DomainError("bad_input", _("Enter the date and time the session starts."))
    if not capacity or capacity < 1:
        raise DomainError("bad_input", _("Enter how many seats the session has (at least 1)."))
    languages = [lang for lang in LANGUAGES if lang in languages]
    if not languages:
        raise DomainError("bad_input", _("Choose at least one exam language."))
    session = ExamSession(mode=mode, starts_at=starts_at, location=location.strip(), capacity=capacity,
                          languages=languages)
    db.session.add(session)
    db.session.flush()
    audit.record("exam.session_created", session, actor=actor)
    return session


def book(user, session: ExamSession, language: str, at: datetime) -> Booking:
    """A seat for ``user``. The candidate's application row is locked, then the session's: two tabs never pass
    the sitting limit together, and two candidates never overfill a session."""
    application = eligibility.current_application(user)
    if application is not None:
        application = eligibility.lock_application(application)
    session = db.session.scalars(select(ExamSession).where(ExamSession.id == session.id).with_for_update()).one()
    if session.starts_at <= at:
        raise DomainError("closed", _("This session has already started; choose a later one."), status=409)
    if language not in session.languages or language not in offerable_languages():
        raise DomainError("bad_input", _("The exam is not offered in that language in this session."))
    existing = db.session.scalars(select(Booking).where(Booking.session_id == session.id,
                                                        Booking.user_id == user.id)).first()
    if existing is not None and existing.status == "booked":
        return existing
    state = eligibility.standing(user, at)
    if state.code == "booked":
        raise DomainError("already_booked", _("You already have a seat booked. Cancel it before booking another."),
                          status=409)
    eligibility.check_session(state, session.starts_at)
    taken = db.session.scalar(select(func.count()).select_from(Booking).where(
        Booking.session_id == session.id, Booking.status == "booked"))
    if taken >= session.capacity:
        raise DomainError("full", _("This session is full; choose another."), status=409)
    if existing is not None:
        existing.status, existing.language, existing.booked_at = "booked", language, at
        existing.application_id = application.id
        booking = existing
    else:
        booking = Booking(session_id=session.id, user_id=user.id, language=language, status="booked", booked_at=at,
                          application_id=application.id)
        db.session.add(booking)
    db.session.flush()
    if state.retake is not None:
        state.retake.status, state.retake.booking_id = "used", booking.id
    audit.record("exam.booked", booking, actor=user, language=language, retake=state.retake is not None)
    return booking


def cancel(user, booking: Booking) -> None:
    if booking.attempt is not None:
        raise DomainError("started", _("This sitting has started and cannot be cancelled."), status=409)
    booking.status = "cancelled"
    for retake in db.session.scalars(select(RetakeRequest).where(RetakeRequest.booking_id == booking.id)):
        retake.status, retake.booking_id = "approved", None   # the approved retake can be booked again
    audit.record("exam.booking_cancelled", booking, actor=user)
