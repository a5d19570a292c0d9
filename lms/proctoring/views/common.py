"""What the proctor's views share: the session they may run, the seat in it, the form's one-time key."""
from __future__ import annotations

import secrets

from flask import abort
from flask_login import current_user

from ...exam.models import Booking
from ...extensions import db
from .. import assignment


def session_and_seat(session_id: int, booking_id: int | None = None):
    session = assignment.session_for(current_user, session_id)
    if booking_id is None:
        return session, None
    booking = db.session.get(Booking, booking_id)
    if booking is None or booking.session_id != session.id:
        abort(404)
    return session, booking


def action_key() -> str:
    """A fresh key for one action form: posting it twice applies the action once."""
    return secrets.token_urlsafe(24)
