"""Online sessions: the candidate enters the admission code their proctor shows, once checked in."""
from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_login import current_user

from ...core.access import roles_required
from ...core.clock import now
from ...core.errors import DomainError
from ...core.roles import Role
from ...exam.models import Booking
from ...extensions import db, limiter
from .. import checkin
from ..blueprint import bp


@bp.route("/exam/bookings/<int:booking_id>/admission", methods=["POST"])
@roles_required(Role.TRAINEE)
@limiter.limit("10 per minute")
def enter_code(booking_id: int):
    booking = db.session.get(Booking, booking_id)
    if booking is None or booking.user_id != current_user.id:
        return redirect(url_for("exam.home"))
    try:
        attempt = checkin.admit_by_code(current_user, booking, request.form.get("code", ""), now())
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("exam.home"))
    db.session.commit()
    return redirect(url_for("exam.sitting_page", public_id=attempt.public_id))
