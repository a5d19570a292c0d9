"""The candidate's pages: booking a seat, the sitting one question per page (works without JavaScript)."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ...candidates import eligibility
from ...candidates.accommodations import plan_for
from ...core.access import roles_required
from ...core.database import writes
from ...core.clock import now
from ...core.errors import DomainError
from ...core.policy import setting
from ...core.i18n import LOCALES
from ...core.roles import Role
from ...extensions import db
from .. import scheduling, sitting
from ..blueprint import bp
from ..models import Attempt, Booking, ExamSession
from .common import device_token, hold_device, own_attempt


@bp.route("/exam/")
@roles_required(Role.TRAINEE)
def home():
    at = now()
    device_token()   # the browser has its identity before an attempt is bound to it
    bookings = db.session.scalars(select(Booking).where(Booking.user_id == current_user.id)
                                  .order_by(Booking.booked_at.desc())).all()
    sessions = db.session.scalars(select(ExamSession).where(ExamSession.starts_at > at)
                                  .order_by(ExamSession.starts_at)).all()
    return render_template("exam/home.html", bookings=bookings, sessions=sessions, locales=LOCALES,
                           offerable=scheduling.offerable_languages(), standing=eligibility.standing(current_user, at),
                           plan=plan_for(eligibility.current_application(current_user)))


@bp.route("/exam/sessions/<int:session_id>/book", methods=["POST"])
@roles_required(Role.TRAINEE)
def book(session_id: int):
    session = db.get_or_404(ExamSession, session_id)
    try:
        scheduling.book(current_user, session, request.form.get("language", ""), now())
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("Your seat is booked."), "success")
    return redirect(url_for("exam.home"))


@bp.route("/exam/bookings/<int:booking_id>/cancel", methods=["POST"])
@roles_required(Role.TRAINEE)
def cancel(booking_id: int):
    booking = db.get_or_404(Booking, booking_id)
    if booking.user_id != current_user.id:
        return redirect(url_for("exam.home"))
    try:
        scheduling.cancel(current_user, booking)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("Your booking is cancelled."), "success")
    return redirect(url_for("exam.home"))


def _page(attempt: Attempt, template: str, **context):
    """Render a sitting page on the device that holds the attempt (a refused device sees why)."""
    try:
        hold_device(attempt)
    except DomainError as error:
        db.session.rollback()
        return render_template("exam/other_device.html", message=error.message), 409
    db.session.commit()
    context.setdefault("state", sitting.state_of(attempt, now()))
    context.setdefault("heartbeat_interval_seconds", setting("heartbeat_interval_seconds"))
    return render_template(template, attempt=attempt, **context)


@bp.route("/exam/attempts/<public_id>")
@writes
@roles_required(Role.TRAINEE)
def sitting_page(public_id: str):
    attempt = own_attempt(public_id)
    if attempt.state not in sitting.OPEN:
        db.session.commit()
        return redirect(url_for("exam.result", public_id=public_id))
    position = request.args.get("q", type=int)
    if attempt.state == "in_progress" and position is not None and 1 <= position <= len(attempt.form):
        sitting.go_to(attempt, position - 1, now())
    if attempt.state == "paused":
        return _page(attempt, "exam/paused.html", paused_poll_seconds=setting("paused_poll_seconds"))
    if attempt.state == "on_break" or sitting.break_due(attempt):
        return _page(attempt, "exam/break.html")
    return _page(attempt, "exam/item.html", item=sitting.shown_item(attempt, attempt.position))


@bp.route("/exam/attempts/<public_id>", methods=["POST"])
@roles_required(Role.TRAINEE)
def sitting_save(public_id: str):
    """A plain form post: save this question's answer and flag, then go where the button says."""
    attempt = own_attempt(public_id, lock=True)
    at = now()
    try:
        hold_device(attempt)
        position = request.form.get("position", type=int)
        if position is None:
            raise DomainError("bad_input", _("Reload the page and answer again."))
        sitting.save(attempt, position, request.form.get("answer") or sitting.UNCHANGED, request.form.get("flag") == "1",
                     request.form.get("seq", 0, type=int), at)
        target = {"previous": position - 1, "next": position + 1}.get(request.form.get("go", ""), position)
        if request.form.get("go") == "review":
            db.session.commit()
            return redirect(url_for("exam.review", public_id=public_id))
        if request.form.get("go") == "break":
            sitting.start_break(attempt, at, on_request=True)
            db.session.commit()
            return redirect(url_for("exam.sitting_page", public_id=public_id))
        sitting.go_to(attempt, target, at)
    except DomainError as error:
        db.session.commit()   # keeps what catching up with the clock did (an attempt closed by time)
        flash(error.message, "error")
        if attempt.state not in sitting.OPEN:
            return redirect(url_for("exam.result", public_id=public_id))
        return redirect(url_for("exam.sitting_page", public_id=public_id))
    db.session.commit()
    return redirect(url_for("exam.sitting_page", public_id=public_id))


@bp.route("/exam/attempts/<public_id>/break", methods=["POST"])
@roles_required(Role.TRAINEE)
def take_break(public_id: str):
    attempt = own_attempt(public_id, lock=True)
    try:
        hold_device(attempt)
        action = request.form.get("action")
        if action in ("start", "request"):
            sitting.start_break(attempt, now(), on_request=action == "request")
        elif action == "skip":
            sitting.skip_break(attempt, now())
        else:
            sitting.end_break(attempt, now())
    except DomainError as error:
        flash(error.message, "error")
    db.session.commit()
    return redirect(url_for("exam.sitting_page", public_id=public_id))


@bp.route("/exam/attempts/<public_id>/review")
@writes
@roles_required(Role.TRAINEE)
def review(public_id: str):
    attempt = own_attempt(public_id)
    if attempt.state not in sitting.OPEN:
        db.session.commit()
        return redirect(url_for("exam.result", public_id=public_id))
    return _page(attempt, "exam/review.html")


@bp.route("/exam/attempts/<public_id>/submit", methods=["POST"])
@roles_required(Role.TRAINEE)
def submit(public_id: str):
    attempt = own_attempt(public_id, lock=True)
    try:
        hold_device(attempt)
        if request.form.get("confirm") != "1":
            raise DomainError("confirm", _("Tick the box to confirm that you are finished."))
        sitting.finish(attempt, now(), "candidate")
    except DomainError as error:
        db.session.commit()
        flash(error.message, "error")
        return redirect(url_for("exam.review", public_id=public_id))
    db.session.commit()
    return redirect(url_for("exam.result", public_id=public_id))
