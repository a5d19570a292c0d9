"""Certification staff: issue certifications that are ready, find any certification, suspend, revoke, restore."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, or_, select

from ...accounts.models import User
from ...candidates.models import Application
from ...core.access import roles_required
from ...core.audit import AuditEvent
from ...core.clock import now
from ...core.errors import DomainError
from ...core.roles import Role
from ...extensions import db
from .. import service
from ..blueprint import bp
from ..labels import STATUSES
from ..models import Certification

LISTED = 200


@bp.route("/staff/certifications")
@roles_required(Role.ADMIN)
def staff_certifications():
    at, status, query = now(), request.args.get("status", ""), request.args.get("q", "").strip()
    listing = select(Certification).order_by(Certification.issued_at.desc()).limit(LISTED)
    if status in STATUSES:
        listing = listing.where(Certification.status == status)
    if query:
        listing = listing.where(or_(func.lower(Certification.legal_name).contains(query.casefold(), autoescape=True),
                                    Certification.number == query.upper()))
    return render_template("certification/staff_list.html", ready=service.ready_to_issue(), status=status,
                           query=query, certifications=db.session.scalars(listing).all(), listed=LISTED,
                           status_of=lambda c: service.public_status(c, at))


@bp.route("/staff/applications/<int:application_id>/certify", methods=["POST"])
@roles_required(Role.ADMIN)
def staff_issue(application_id: int):
    application = db.get_or_404(Application, application_id)
    try:
        certification = service.issue(application, current_user, now())
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("certification.staff_certifications"))
    db.session.commit()
    flash(_("Certification %(number)s is issued to %(name)s.", number=certification.number,
            name=certification.legal_name), "success")
    return redirect(url_for("certification.staff_certification", certification_id=certification.id))


@bp.route("/staff/certifications/<int:certification_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def staff_certification(certification_id: int):
    certification = db.get_or_404(Certification, certification_id)
    if request.method == "POST":
        try:
            service.set_status(certification, request.form.get("status", ""), request.form.get("reason", ""),
                               current_user, now())
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("The status is changed. The public registry shows it now."), "success")
            return redirect(url_for("certification.staff_certification", certification_id=certification.id))
    history = db.session.execute(select(AuditEvent, User.name).outerjoin(User, User.id == AuditEvent.actor_id)
                                 .where(AuditEvent.object_type == "Certification",
                                        AuditEvent.object_id == str(certification.id))
                                 .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())).all()
    return render_template("certification/staff_detail.html", certification=certification, history=history,
                           status=service.public_status(certification, now()))
