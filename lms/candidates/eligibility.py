"""May this candidate book a sitting, and if not, why and from when.

One function, ``standing``, answers for the exam page, the result page and ``book``; ``check_session``
adds what depends on the session's date (the window, the accommodation notice, the waiting period).
``lock_application`` serialises one candidate's bookings, so two tabs never pass the limit together.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import select

from ..core.errors import DomainError
from ..core.policy import setting
from ..extensions import db
from .models import Application, RetakeRequest

OPEN_APPLICATION = ("draft", "submitted", "returned")


@dataclass
class Standing:
    code: str                       # ok | booked | apply | application_open | window_closed | result_pending | passed
    message: str                    # | limit_reached | retake_needed | retake_pending | no_funded_retake | accommodation_pending
    application: Application | None = None
    sittings_used: int = 0
    sittings_allowed: int = 0
    retake: RetakeRequest | None = None      # the approved request the next booking uses
    from_date: datetime | None = None        # sessions before this cannot be booked
    may_request_retake: bool = False

    @property
    def can_book(self) -> bool:
        return self.code == "ok"


def current_application(user) -> Application | None:
    """The person's latest application (there is at most one that is not closed)."""
    return db.session.scalars(select(Application).where(Application.user_id == user.id)
                              .order_by(Application.id.desc())).first()


def lock_application(application: Application) -> Application:
    return db.session.scalars(select(Application).where(Application.id == application.id).with_for_update()).one()


def _sittings(application: Application):
    from ..exam.models import Booking

    bookings = db.session.scalars(select(Booking).where(Booking.application_id == application.id,
                                                        Booking.status == "booked")).all()
    started = sorted((b.attempt for b in bookings if b.attempt is not None), key=lambda a: a.started_at)
    waiting = [b for b in bookings if b.attempt is None]
    return started, waiting


def _retakes_used(application: Application) -> int:
    return sum(1 for r in application.retake_requests if r.status == "used")


def standing(user, at: datetime) -> Standing:
    application = current_application(user)
    allowed = setting("max_sittings_per_window")
    if application is None or application.status == "rejected":
        return Standing("apply", _("Apply for certification first. When your application is approved you can book "
                                   "the exam."), application)
    if application.status in OPEN_APPLICATION:
        return Standing("application_open", _("Your application is not approved yet. You can book the exam once "
                                              "certification staff approve it."), application)
    if application.window_closes_at is not None and application.window_closes_at <= at:
        return Standing("window_closed", _("Your 12-month window to test ended on %(date)s. A new application is "
                                           "needed.", date=format_date(application.window_closes_at)), application)
    started, waiting = _sittings(application)
    used = len(started) + len(waiting)
    base = dict(application=application, sittings_used=used, sittings_allowed=allowed)
    if waiting:
        return Standing("booked", _("You have a seat booked."), **base)
    if any(r.status == "pending" for r in application.accommodation_requests):
        return Standing("accommodation_pending", _("Your accommodation request is being reviewed. You can book once "
                                                   "it is decided."), **base)
    last = started[-1] if started else None
    if last is not None and last.state in ("in_progress", "on_break", "paused"):
        return Standing("booked", _("Your exam is under way."), **base)
    if last is not None and last.released_at is None:
        return Standing("result_pending", _("Your result is being reviewed. You will be able to book again, if you "
                                            "need to, once it is released."), **base)
    if last is not None and (last.result or {}).get("passed"):
        return Standing("passed", _("You passed the exam. There is nothing more to book."), **base)
    if used >= allowed:
        return Standing("limit_reached", _("You have used all %(n)s sittings of this application. A new application "
                                           "is needed.", n=allowed), **base)
    if last is None:
        return Standing("ok", _("You can book a seat."), **base)
    # A retake: after a sitting that did not pass.
    wait_until = last.ended_at + timedelta(days=setting("retake_wait_days"))
    if application.funded and (not application.retake_preapproved
                               or _retakes_used(application) >= setting("funded_retakes")):
        return Standing("no_funded_retake", _("Your scholarship pays for a retake only when it was pre-approved. "
                                              "Contact certification staff about your options."), **base)
    approved = next((r for r in application.retake_requests if r.status == "approved"), None)
    if approved is not None:
        return Standing("ok", _("Your retake is approved. You can book a seat."), retake=approved,
                        from_date=wait_until if wait_until > at else None, **base)
    if any(r.status == "pending" for r in application.retake_requests):
        return Standing("retake_pending", _("Your retake request is being reviewed."), **base)
    return Standing("retake_needed", _("To sit again, send a retake request. Certification staff will review it."),
                    from_date=wait_until if wait_until > at else None, may_request_retake=True, **base)


def check_session(state: Standing, starts_at: datetime) -> None:
    """Refuse a session this candidate cannot sit, saying why (the standing must allow booking)."""
    if not state.can_book:
        raise DomainError(state.code, state.message, status=409)
    application = state.application
    if application.window_closes_at is not None and starts_at >= application.window_closes_at:
        raise DomainError("outside_window", _("This session is after your window closes on %(date)s. Choose an "
                                              "earlier session.", date=format_date(application.window_closes_at)),
                          status=409)
    if state.from_date is not None and starts_at < state.from_date:
        raise DomainError("waiting", _("You can sit again from %(date)s. Choose a session on or after that date.",
                                       date=format_date(state.from_date)), status=409)
    ready = accommodations_ready_from(application)
    if ready is not None and starts_at < ready:
        raise DomainError("accommodation_notice", _(
            "Your accommodations apply to sittings from %(date)s (requests need %(days)s days' notice). Choose a "
            "session on or after that date.", date=format_date(ready), days=setting("accommodation_notice_days")),
            status=409)


def accommodations_ready_from(application: Application) -> datetime | None:
    """Approved accommodations apply to sittings at least the notice period after the request."""
    requests = [r for r in application.accommodation_requests
                if r.status == "decided" and any(i.decision == "approved" for i in r.items)]
    if not requests:
        return None
    return max(r.submitted_at for r in requests) + timedelta(days=setting("accommodation_notice_days"))
