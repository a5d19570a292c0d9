"""The home page of each audience. Later areas add their panels here."""
from __future__ import annotations

from flask import render_template
from flask_login import current_user

from ..core.access import roles_required
from ..core.roles import PROVIDER_ROLES, Role
from .blueprint import bp


@bp.route("/trainee/")
@roles_required(Role.TRAINEE)
def trainee():
    from sqlalchemy import func, select

    from ..catalog.models import CreditEntry, Enrollment
    from ..core.i18n import current_code
    from ..extensions import db

    enrollments = db.session.scalars(
        select(Enrollment).where(Enrollment.user_id == current_user.id).order_by(Enrollment.enrolled_at.desc())).all()
    credited = dict(db.session.execute(
        select(CreditEntry.enrollment_id, func.sum(CreditEntry.seconds))
        .where(CreditEntry.user_id == current_user.id).group_by(CreditEntry.enrollment_id)).all())
    return render_template("dashboards/trainee.html", enrollments=enrollments, credited=credited,
                           lang=current_code())


@bp.route("/provider/")
@roles_required(*PROVIDER_ROLES)
def provider():
    memberships = [
        (org, sorted((g.role for g in current_user.grants if g.provider_id == org.id), key=str))
        for org in current_user.providers
    ]
    return render_template("dashboards/provider.html", memberships=memberships)


@bp.route("/proctor/")
@roles_required(Role.PROCTOR)
def proctor():
    from ..proctoring.assignment import sessions_for

    return render_template("dashboards/proctor.html", sessions=sessions_for(current_user))
