"""What the candidate's pages and the JSON API share: finding the attempt, holding the device, the clock."""
from __future__ import annotations

import secrets

from flask import abort, g, request
from flask_login import current_user
from sqlalchemy import select

from ...core.clock import now
from ...extensions import db
from .. import sitting
from ..blueprint import bp
from ..models import Attempt

DEVICE_COOKIE = "lms_exam_device"


def own_attempt(public_id: str, lock: bool = False) -> Attempt:
    """The signed-in candidate's attempt (404 for anyone else's), brought up to date with the clock."""
    query = select(Attempt).where(Attempt.public_id == public_id, Attempt.user_id == current_user.id)
    attempt = db.session.scalars(query.with_for_update() if lock else query).first()
    if attempt is None:
        abort(404)
    sitting.catch_up(attempt, now())
    return attempt


def device_token() -> str:
    """This browser's identity for holding an attempt: its cookie, or a new one the response gives it.

    Every exam page hands it out, so a browser has it before an attempt is bound to it: a response lost on
    the way (a timeout, a dropped network) cannot lock the candidate out of their own attempt.
    """
    token = request.cookies.get(DEVICE_COOKIE)
    if not token:
        token = g.setdefault("new_device_token", secrets.token_urlsafe(24))
    return token


def hold_device(attempt: Attempt) -> None:
    """Check this browser holds the attempt (raises DomainError otherwise); an open attempt not yet held is
    bound to it."""
    if attempt.state in sitting.OPEN:
        sitting.hold(attempt, device_token())
        sitting.candidate_back(attempt, now())


@bp.after_request
def _give_device_token(response):
    token = g.get("new_device_token")
    if token:
        response.set_cookie(DEVICE_COOKIE, token, max_age=24 * 3600, httponly=True, samesite="Strict",
                            secure=request.is_secure, path="/")
    return response
