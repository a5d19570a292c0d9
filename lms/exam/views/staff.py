"""Certification staff: exam sessions, their rosters, and admitting a candidate (until proctors' console, #7)."""
from __future__ import annotations

from datetime import datetime

from flask import flash, redirect, render_template, request, url_for
from flask_babel import get_timezone
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ...core.access import roles_required
from ...core.clock import now, to_utc
from ...core.errors import DomainError
from ...core.i18n import LOCALES
from ...core.roles import Role
from ...extensions import db
from ...itembank.loader import LANGUAGES
from .. import scheduling, sitting
from ..blueprint import bp
from ..models import Attempt, Booking, ExamSession


def _starts_at(value: str) -> datetime | None:
    """A datetime-local value in the request's time zone (the installation's default unless the person chose one)."""
    try:
        local = datetime.fromisoformat(value)
    except ValueError:
        return None
    if local.tzinfo is not None:
        return local
    return to_utc(local, str(get_timezone()))


@bp.route("/staff/exam/sessions", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def staff_sessions():
    if request.method == "POST":
        try:
            session = scheduling.create_session(current_user, request.form.get("mode", ""),
                                                _starts_at(request.form.get("starts_at", "")),
                                                request.form.get("location", ""),
                                                request.form.get("capacity", type=int),
                                                request.form.getlist("languages"))
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("The exam session is scheduled."), "success")
            return redirect(url_for("exam.staff_session", session_id=session.id))
    sessions = db.session.scalars(select(ExamSession).order_by(ExamSession.starts_at.desc())).all()
    return render_template("exam/staff_sessions.html", sessions=sessions, languages=LANGUAGES, locales=LOCALES,
                           offerable=scheduling.offerable_languages(), form=request.form)


@bp.route("/staff/exam/sessions/<int:session_id>")
@roles_required(Role.ADMIN)
def staff_session(session_id: int):
    session = db.get_or_404(ExamSession, session_id)
    at = now()
    rows = []
    for booking in sorted(session.bookings, key=lambda b: b.user.name):
        attempt = booking.attempt
        if attempt is not None:
            sitting.catch_up(attempt, at)
        rows.append((booking, attempt, sitting.state_of(attempt, at) if attempt else None))
    db.session.commit()
    return render_template("exam/staff_session.html", session=session, rows=rows, locales=LOCALES)


@bp.route("/staff/exam/bookings/<int:booking_id>/admit", methods=["POST"])
@roles_required(Role.ADMIN)
def staff_admit(booking_id: int):
    booking = db.get_or_404(Booking, booking_id)
    try:
        sitting.admit(booking, now(), current_user)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("%(name)s is admitted; the exam has started.", name=booking.user.name), "success")
    return redirect(url_for("exam.staff_session", session_id=booking.session_id))


@bp.route("/staff/exam/attempts/<public_id>/release", methods=["POST"])
@roles_required(Role.ADMIN)
def staff_release(public_id: str):
    attempt = db.session.scalars(select(Attempt).where(Attempt.public_id == public_id)).first()
    if attempt is None:
        return redirect(url_for("exam.staff_sessions"))
    reason = request.form.get("reason", "").strip()
    if not reason:
        flash(_("Say why in the note."), "error")
    else:
        sitting.release(attempt, current_user, reason)
        db.session.commit()
        flash(_("The exam can now be continued on another device."), "success")
    return redirect(url_for("exam.staff_session", session_id=attempt.booking.session_id))
