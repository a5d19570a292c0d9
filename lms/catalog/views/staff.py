"""Certification staff and a person's training: credited time, corrections, refresher permission."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ...accounts.models import User
from ...core.access import roles_required
from ...core.errors import DomainError
from ...core.i18n import current_code
from ...core.roles import Role
from ...extensions import db
from .. import services
from ..blueprint import bp
from ..models import CreditEntry, Enrollment, Module


@bp.route("/admin/users/<int:user_id>/training")
@roles_required(Role.ADMIN)
def staff_training(user_id: int):
    person = db.get_or_404(User, user_id)
    enrollments = db.session.scalars(select(Enrollment).where(Enrollment.user_id == person.id)
                                     .order_by(Enrollment.enrolled_at.desc())).all()
    adjustments = db.session.scalars(select(CreditEntry).where(
        CreditEntry.user_id == person.id, CreditEntry.source == "adjustment").order_by(CreditEntry.id.desc())).all()
    return render_template("catalog/staff_training.html", person=person, lang=current_code(),
                           progress={e.id: services.module_progress(e) for e in enrollments},
                           enrollments=enrollments, adjustments=adjustments,
                           may_take_refresher=services.may_take_refresher(person))


@bp.route("/admin/enrollments/<int:enrollment_id>/adjustments", methods=["POST"])
@roles_required(Role.ADMIN)
def staff_adjust(enrollment_id: int):
    enrollment = db.get_or_404(Enrollment, enrollment_id)
    module = db.session.get(Module, request.form.get("module", type=int) or 0)
    minutes = request.form.get("minutes", type=int)
    try:
        if module is None or minutes is None:
            raise DomainError("bad_input", _("Choose a module and enter the minutes to add or remove."))
        services.adjust_credit(current_user, enrollment, module, minutes, request.form.get("reason", ""))
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("The correction is recorded."), "success")
    return redirect(url_for("catalog.staff_training", user_id=enrollment.user_id))


@bp.route("/admin/users/<int:user_id>/refresher", methods=["POST"])
@roles_required(Role.ADMIN)
def staff_allow_refresher(user_id: int):
    person = db.get_or_404(User, user_id)
    try:
        services.allow_refresher(current_user, person, request.form.get("reason", ""))
    except DomainError as error:
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("This person may now enrol in the refresher."), "success")
    return redirect(url_for("catalog.staff_training", user_id=person.id))
