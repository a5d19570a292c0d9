"""Certification staff review applications and retake requests."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ...catalog.records import transcript
from ...core.access import roles_required
from ...core.clock import now
from ...core.errors import DomainError
from ...core.roles import Role
from ...extensions import db
from .. import applications, retakes
from ..accommodations import plan_for
from ..blueprint import bp
from ..eligibility import standing
from ..models import Application, RetakeRequest


@bp.route("/staff/applications")
@roles_required(Role.ADMIN)
def staff_applications():
    status = request.args.get("status", "submitted")
    query = select(Application).where(Application.status != "draft").order_by(Application.submitted_at)
    if status in applications.EDITABLE + ("submitted", "approved", "rejected"):
        query = query.where(Application.status == status)
    return render_template("candidates/staff_applications.html", rows=db.session.scalars(query.limit(500)).all(),
                           status=status)


@bp.route("/staff/applications/<int:application_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def staff_application(application_id: int):
    application = db.get_or_404(Application, application_id)
    if request.method == "POST":
        try:
            if request.form.get("form") == "funding":
                applications.set_funding(application, current_user, request.form.get("funded") == "1",
                                         request.form.get("retake_preapproved") == "1")
                message = _("Funding is recorded.")
            else:
                applications.decide(application, current_user, request.form.get("decision", ""),
                                    request.form.get("note", ""), now())
                message = _("The decision is recorded and the candidate can see it.")
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(message, "success")
            return redirect(url_for("candidates.staff_application", application_id=application.id))
    core_rows = [row for row in transcript(application.user) if row.enrollment.version.course.kind == "core"]
    return render_template("candidates/staff_application.html", application=application, core_rows=core_rows,
                           core_done=applications.completed_core_training(application.user),
                           age=applications.age_on(application.date_of_birth, now().date())
                           if application.date_of_birth else None,
                           standing=standing(application.user, now()), plan=plan_for(application),
                           form=request.form)


@bp.route("/staff/retakes", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def staff_retakes():
    if request.method == "POST":
        retake = db.get_or_404(RetakeRequest, request.form.get("request_id", 0, type=int))
        try:
            retakes.decide(retake, current_user, request.form.get("decision") == "approve",
                           request.form.get("reason", ""), now())
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("The decision is recorded and the candidate can see it."), "success")
        return redirect(url_for("candidates.staff_retakes"))
    pending = db.session.scalars(select(RetakeRequest).where(RetakeRequest.status == "pending")
                                 .order_by(RetakeRequest.created_at)).all()
    recent = db.session.scalars(select(RetakeRequest).where(RetakeRequest.status != "pending")
                                .order_by(RetakeRequest.decided_at.desc()).limit(50)).all()
    return render_template("candidates/staff_retakes.html", pending=pending, recent=recent,
                           standing_of=lambda r: standing(r.application.user, now()))
