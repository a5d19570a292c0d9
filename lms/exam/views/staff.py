"""Certification staff: exam sessions, their rosters and their proctors (the proctors run them from the console)."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ...core.access import roles_required
from ...core.clock import now
from ...core.errors import DomainError
from ...core.i18n import LOCALES, local_datetime
from ...core.roles import Role
from ...extensions import db
from ...itembank.loader import LANGUAGES
from ...proctoring import assignment, console
from .. import scheduling
from ..blueprint import bp
from ..models import ExamSession


@bp.route("/staff/exam/sessions", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def staff_sessions():
    if request.method == "POST":
        try:
            session = scheduling.create_session(current_user, request.form.get("mode", ""),
                                                local_datetime(request.form.get("starts_at", "")),
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
    rows = console.rows(session, now())
    return render_template("exam/staff_session.html", session=session, rows=rows, locales=LOCALES,
                           proctors=assignment.proctors(), assigned={p.user_id: p.lead for p in session.proctors})


@bp.route("/staff/exam/sessions/<int:session_id>/proctors", methods=["POST"])
@roles_required(Role.ADMIN)
def staff_session_proctors(session_id: int):
    session = db.get_or_404(ExamSession, session_id)
    try:
        assignment.assign(session, [int(i) for i in request.form.getlist("proctors") if i.isdigit()],
                          request.form.get("lead", type=int), current_user)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("The session's proctors are saved."), "success")
    return redirect(url_for("exam.staff_session", session_id=session.id))
