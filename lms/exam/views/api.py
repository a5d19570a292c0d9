"""The sitting's JSON API (described in /api/v1/openapi.json): state, the current item, saves, submit, heartbeat."""
from __future__ import annotations

from flask import jsonify, request
from flask_babel import gettext as _

from ...core.access import roles_required
from ...core.database import writes
from ...core.clock import now
from ...core.errors import DomainError
from ...core.roles import Role
from ...extensions import db
from .. import sitting
from ..blueprint import bp
from .common import hold_device, own_attempt

PREFIX = "/api/v1/attempts/<public_id>"


def _reply(body: dict):
    db.session.commit()
    return jsonify(body)


def _held(public_id: str, lock: bool = False):
    attempt = own_attempt(public_id, lock=lock)
    try:
        hold_device(attempt)
    except DomainError:
        db.session.commit()
        raise
    return attempt


@bp.route(PREFIX)
@writes
@roles_required(Role.TRAINEE)
def api_state(public_id: str):
    attempt = _held(public_id)
    return _reply(sitting.state_of(attempt, now()))


@bp.route(f"{PREFIX}/items/<int:position>")
@writes
@roles_required(Role.TRAINEE)
def api_item(public_id: str, position: int):
    attempt = _held(public_id, lock=True)
    try:
        sitting.must_be_open(attempt)
    except DomainError:
        db.session.commit()   # keeps what catching up with the clock did
        raise
    item = sitting.shown_item(attempt, position - 1)
    sitting.go_to(attempt, position - 1, now())
    return _reply({"position": item.position + 1, "total": item.total, "stem": item.stem,
                   "options": [{"id": tag, "text": text} for tag, text in item.options],
                   "answer": item.chosen, "flagged": item.flagged})


def _payload() -> dict:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise DomainError("bad_input", _("Send a JSON object."))
    return data


@bp.route(f"{PREFIX}/answers", methods=["POST"])
@roles_required(Role.TRAINEE)
def api_save(public_id: str):
    data = _payload()
    position, seq = data.get("position"), data.get("seq")
    if not isinstance(position, int) or not isinstance(seq, int) or seq < 1:
        raise DomainError("bad_input", _("A save needs the question number and a sequence number."))
    answer = data.get("answer")
    flagged = data.get("flagged")
    if (answer is not None and not isinstance(answer, str)) or (flagged is not None and not isinstance(flagged, bool)):
        raise DomainError("bad_input", _("A save needs the question number and a sequence number."))
    attempt = _held(public_id, lock=True)
    try:
        applied = sitting.save(attempt, position - 1, answer if "answer" in data else sitting.UNCHANGED, flagged, seq,
                               now())
    except DomainError:
        db.session.commit()   # keep the attempt closed if the deadline passed
        raise
    return _reply({"applied": applied, **sitting.state_of(attempt, now())})


@bp.route(f"{PREFIX}/submit", methods=["POST"])
@roles_required(Role.TRAINEE)
def api_submit(public_id: str):
    attempt = _held(public_id, lock=True)
    if attempt.state in sitting.OPEN:
        sitting.finish(attempt, now(), "candidate")
    return _reply(sitting.state_of(attempt, now()))


@bp.route(f"{PREFIX}/heartbeat", methods=["POST"])
@roles_required(Role.TRAINEE)
def api_heartbeat(public_id: str):
    attempt = _held(public_id, lock=True)
    attempt.last_contact_at = now()
    return _reply(sitting.state_of(attempt, now()))
