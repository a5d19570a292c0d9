"""Instructors: their offerings' live sessions and the attendance roster."""
from __future__ import annotations

from datetime import datetime

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ...core.access import roles_required
from ...core.clock import to_utc
from ...core.errors import DomainError
from ...core.i18n import current_code
from ...core.roles import Role
from ...extensions import db
from .. import attendance
from ..blueprint import bp
from ..models import Attendance, Lesson, LiveSession, Modality, Offering


def _my_offering(offering_id: int) -> Offering:
    offering = db.session.get(Offering, offering_id)
    if offering is None or not attendance.instructor_can_manage(current_user, offering):
        abort(404)  # another provider's offering is as good as missing
    return offering


def _my_session(session_id: int) -> LiveSession:
    session = db.session.get(LiveSession, session_id)
    if session is None or not attendance.instructor_can_manage(current_user, session.offering):
        abort(404)
    return session


@bp.route("/provider/offerings")
@roles_required(Role.INSTRUCTOR)
def instructor_offerings():
    provider_ids = [g.provider_id for g in current_user.grants if g.role == Role.INSTRUCTOR]
    offerings = db.session.scalars(select(Offering).where(Offering.provider_id.in_(provider_ids))
                                   .order_by(Offering.id)).all()
    return render_template("catalog/instructor_offerings.html", offerings=offerings, lang=current_code())


@bp.route("/provider/offerings/<int:offering_id>/sessions", methods=["GET", "POST"])
@roles_required(Role.INSTRUCTOR)
def instructor_sessions(offering_id: int):
    offering = _my_offering(offering_id)
    live_lessons = [l for m in offering.version.modules for l in m.lessons if l.modality != Modality.SELF_PACED]
    form = request.form
    if request.method == "POST":
        try:
            lesson = db.session.get(Lesson, form.get("lesson", type=int) or 0)
            starts = _local_time(form.get("date", ""), form.get("time", ""))
            if lesson is None:
                raise DomainError("not_live", _("Choose one of this course's live lessons."))
            duration = form.get("duration", type=int) or lesson.planned_minutes
            session = attendance.schedule_session(current_user, offering, lesson, starts, duration, form.get("location"))
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("The session is scheduled."), "success")
            return redirect(url_for("catalog.instructor_attendance", session_id=session.id))
    sessions = db.session.scalars(select(LiveSession).where(LiveSession.offering_id == offering.id)
                                  .order_by(LiveSession.starts_at)).all()
    return render_template("catalog/instructor_sessions.html", offering=offering, sessions=sessions,
                           live_lessons=live_lessons, lang=current_code(), form=form)


def _local_time(date: str, time: str) -> datetime:
    try:
        local = datetime.strptime(f"{date} {time}", "%Y-%m-%d %H:%M")
    except ValueError:
        raise DomainError("bad_time", _("Enter the date and the start time of the session.")) from None
    return to_utc(local, current_app.config["BABEL_DEFAULT_TIMEZONE"])


@bp.route("/provider/sessions/<int:session_id>/attendance", methods=["GET", "POST"])
@roles_required(Role.INSTRUCTOR)
def instructor_attendance(session_id: int):
    session = _my_session(session_id)
    people = attendance.roster(session)
    if request.method == "POST":
        marks = {}
        for enrollment in people:
            status = request.form.get(f"status-{enrollment.id}", "")
            if status not in ("present", "absent"):
                continue
            minutes = request.form.get(f"minutes-{enrollment.id}", type=int)
            marks[enrollment.id] = (status == "present",
                                    session.duration_minutes if minutes is None else minutes)
        try:
            attendance.record_attendance(current_user, session, marks)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("Attendance is saved."), "success")
            return redirect(url_for("catalog.instructor_attendance", session_id=session.id))
    records = {a.enrollment_id: a for a in db.session.scalars(
        select(Attendance).where(Attendance.session_id == session.id))}
    return render_template("catalog/instructor_attendance.html", session=session, people=people,
                           records=records, lang=current_code(), form=request.form)
