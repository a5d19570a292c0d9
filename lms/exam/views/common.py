"""What the candidate's pages and the JSON API share: finding the attempt, holding the device, the clock."""
from __future__ import annotations

from flask import abort, request
from flask_login import current_user
from sqlalchemy import select

from ...core.clock import now
from ...extensions import db
from .. import sitting
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


def hold_device(attempt: Attempt) -> str | None:
    """Check this browser holds the attempt (raises DomainError otherwise); returns a token to set, if new."""
    if attempt.state not in sitting.OPEN:
        return None
    current = request.cookies.get(DEVICE_COOKIE)
    token = sitting.hold(attempt, current)
    return token if token != current else None


def set_device_cookie(response, token: str | None):
    if token:
        response.set_cookie(DEVICE_COOKIE, token, max_age=24 * 3600, httponly=True, samesite="Strict",
                            secure=request.is_secure, path="/")
    return response
