"""Incident reports: proctors write them for their sessions; certification staff review them all."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ...core.access import roles_required
from ...core.clock import now
from ...core.errors import DomainError, Invalid
from ...core.i18n import local_datetime
from ...core.roles import Role
from ...exam.models import Booking
from ...extensions import db
from .. import incidents
from ..blueprint import bp
from ..models import Incident
from .common import session_and_seat
from .console import PROCTORING


@bp.route("/proctor/sessions/<int:session_id>/incidents", methods=["GET", "POST"])
@roles_required(*PROCTORING)
def session_incidents(session_id: int):
    session, _seat = session_and_seat(session_id)
    errors = {}
    if request.method == "POST":
        booking_id = request.form.get("booking", type=int)
        booking = db.session.get(Booking, booking_id) if booking_id else None
        try:
            incidents.report(session, current_user, request.form.get("category", ""),
                             local_datetime(request.form.get("occurred_at", "")), request.form.get("description", ""),
                             request.form.get("follow_up", ""), booking, now())
        except Invalid as invalid:
            db.session.rollback()
            errors = invalid.errors
            flash(invalid.message, "error")
        else:
            db.session.commit()
            flash(_("The incident is reported."), "success")
            return redirect(url_for("proctoring.session_incidents", session_id=session.id))
    listed = db.session.scalars(select(Incident).where(Incident.session_id == session.id)
                                .order_by(Incident.occurred_at.desc())).all()
    return render_template("proctoring/incidents.html", session=session, incidents=listed, errors=errors,
                           form=request.form, seats=sorted(session.bookings, key=lambda b: b.user.name.casefold()))


@bp.route("/staff/incidents")
@roles_required(Role.ADMIN)
def staff_incidents():
    show = request.args.get("show", "open")
    query = select(Incident).order_by(Incident.occurred_at.desc())
    if show != "all":
        query = query.where(Incident.reviewed_at.is_(None))
    return render_template("proctoring/staff_incidents.html", incidents=db.session.scalars(query.limit(200)).all(),
                           show=show)


@bp.route("/staff/incidents/<int:incident_id>/review", methods=["POST"])
@roles_required(Role.ADMIN)
def review_incident(incident_id: int):
    incident = db.get_or_404(Incident, incident_id)
    try:
        incidents.review(incident, current_user, request.form.get("note", ""), now())
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("The review is recorded."), "success")
    return redirect(url_for("proctoring.staff_incidents"))
