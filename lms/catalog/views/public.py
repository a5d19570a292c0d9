"""The catalog of course offerings, open to everyone."""
from __future__ import annotations

from flask import abort, render_template
from flask_login import current_user
from sqlalchemy import select

from ...core.access import public
from ...core.i18n import current_code
from ...core.roles import Role
from ...extensions import db
from .. import services
from ..blueprint import bp
from ..models import CourseKind, CourseVersion, Enrollment, Offering

KIND_ORDER = [CourseKind.CORE, CourseKind.REFRESHER, CourseKind.SPECIALIZATION, CourseKind.SUPERVISOR, CourseKind.CE]


@bp.route("/courses")
@public
def offerings():
    rows = db.session.scalars(select(Offering).join(CourseVersion).where(Offering.enrolment_open.is_(True))
                              .order_by(Offering.id)).all()
    by_kind = {kind: [o for o in rows if o.version.course.kind == kind] for kind in KIND_ORDER}
    return render_template("catalog/offerings.html", by_kind=by_kind, lang=current_code())


@bp.route("/courses/<int:offering_id>")
@public
def offering(offering_id: int):
    offering = db.session.get(Offering, offering_id)
    if offering is None:
        abort(404)
    enrollment = blocker = None
    if current_user.is_authenticated:
        enrollment = db.session.scalar(select(Enrollment).where(Enrollment.user_id == current_user.id,
                                                                Enrollment.offering_id == offering.id))
        if enrollment is None and current_user.has_role(Role.TRAINEE):
            blocker = services.enrolment_blocker(current_user, offering)
    return render_template("catalog/offering.html", offering=offering, version=offering.version,
                           enrollment=enrollment, blocker=blocker, lang=current_code())
