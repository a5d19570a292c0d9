"""The proctor's console: the session's seats live, check-in, admission, and the actions on one candidate."""
from __future__ import annotations

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ...core.access import roles_required
from ...core.clock import now
from ...core.errors import DomainError
from ...core.i18n import LOCALES
from ...core.policy import setting
from ...core.roles import Role
from ...exam.models import ExamSession
from ...extensions import db
from .. import assignment, checkin, console
from ..actions import ACTIONS, perform
from ..blueprint import bp
from ..models import ProctorAction
from .common import action_key, session_and_seat

PROCTORING = (Role.PROCTOR, Role.ADMIN)


@bp.route("/proctor/sessions/<int:session_id>")
@roles_required(*PROCTORING)
def session_console(session_id: int):
    session, _seat = session_and_seat(session_id)
    at = now()
    rows = console.rows(session, at)
    return render_template("proctoring/console.html", session=session, rows=rows, locales=LOCALES, at=at,
                           refresh_seconds=setting("console_refresh_seconds"), lead=assignment.lead_of(session))


@bp.route("/api/v1/proctor/sessions/<int:session_id>/console")
@roles_required(*PROCTORING)
def api_console(session_id: int):
    session, _seat = session_and_seat(session_id)
    return jsonify(console.as_json(session, now()))


@bp.route("/proctor/sessions/<int:session_id>/seats/<int:booking_id>")
@roles_required(*PROCTORING)
def seat(session_id: int, booking_id: int):
    session, booking = session_and_seat(session_id, booking_id)
    row = next(r for r in console.rows(session, now()) if r.booking == booking.id)
    history = db.session.scalars(select(ProctorAction).where(ProctorAction.booking_id == booking.id)
                                 .order_by(ProctorAction.at.desc(), ProctorAction.id.desc())).all()
    others = [s for s in assignment.sessions_for(current_user)
              if s.id != session.id and booking.language in s.languages and s.starts_at >= session.starts_at]
    return render_template("proctoring/seat.html", session=session, booking=booking, row=row, history=history,
                           others=others, key=action_key(), legal_name=checkin.legal_name(booking), locales=LOCALES,
                           max_minutes=setting("max_extension_minutes"))


def _back(session_id: int, booking_id: int | None = None):
    if booking_id is None:
        return redirect(url_for("proctoring.session_console", session_id=session_id))
    return redirect(url_for("proctoring.seat", session_id=session_id, booking_id=booking_id))


@bp.route("/proctor/sessions/<int:session_id>/seats/<int:booking_id>/checkin", methods=["POST"])
@roles_required(*PROCTORING)
def check_in(session_id: int, booking_id: int):
    _session, booking = session_and_seat(session_id, booking_id)
    try:
        checkin.check_in(booking, current_user, request.form.get("outcome", ""), now(),
                         id_type=request.form.get("id_type", ""), id_last=request.form.get("id_last", ""),
                         name_matches=request.form.get("name_matches") == "1")
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return _back(session_id, booking_id)
    db.session.commit()
    flash(_("Check-in recorded for %(name)s.", name=booking.user.name), "success")
    return _back(session_id)


@bp.route("/proctor/sessions/<int:session_id>/seats/<int:booking_id>/admit", methods=["POST"])
@roles_required(*PROCTORING)
def admit(session_id: int, booking_id: int):
    _session, booking = session_and_seat(session_id, booking_id)
    try:
        checkin.admit(booking, current_user, now())
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("%(name)s is admitted; the exam has started.", name=booking.user.name), "success")
    return _back(session_id)


def _act(session_id: int, booking_id: int, data) -> ProctorAction:
    session, booking = session_and_seat(session_id, booking_id)
    minutes = data.get("minutes")
    if isinstance(minutes, str):   # a form's field: empty is none, anything but digits is refused by the action
        minutes = int(minutes) if minutes.strip().isdigit() else (None if not minutes.strip() else -1)
    to = data.get("to_session")
    to_session = db.session.get(ExamSession, int(to)) if str(to or "").isdigit() else None
    if to_session is not None and not assignment.may_run(current_user, to_session):
        to_session = None
    return perform(session, booking, data.get("action", ""), data.get("reason", ""), data.get("note", ""),
                   data.get("key", ""), current_user, now(), minutes=minutes, to_session=to_session)


@bp.route("/proctor/sessions/<int:session_id>/seats/<int:booking_id>/actions", methods=["POST"])
@roles_required(*PROCTORING)
def act(session_id: int, booking_id: int):
    try:
        done = _act(session_id, booking_id, request.form)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return _back(session_id, booking_id)
    db.session.commit()
    flash(_("Done: %(action)s.", action=str(ACTIONS[done.action])), "success")
    return _back(session_id)


@bp.route("/api/v1/proctor/sessions/<int:session_id>/seats/<int:booking_id>/actions", methods=["POST"])
@roles_required(*PROCTORING)
def api_act(session_id: int, booking_id: int):
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise DomainError("bad_input", _("Send a JSON object."))
    done = _act(session_id, booking_id, data)
    db.session.commit()
    return jsonify({"action": done.action, "reason": done.reason, "at": done.at.isoformat(), "detail": done.detail,
                    "key": done.key})
