from __future__ import annotations

import pytest

from lms.core.roles import Role

from ..conftest import sign_in
from ..exam.conftest import admitted, approve, full_bank, seat  # noqa: F401  (the exam fixtures, shared)


@pytest.fixture
def proctor(app, db, create_user, new_client):
    """``proctor(session_id, lead=True)``: a proctor assigned to that session, signed in on their own client."""
    from lms.exam.models import SessionProctor

    def make(session_id: int, lead: bool = True, assign: bool = True):
        person = create_user(Role.PROCTOR, name="Pat Proctor")
        if assign:
            with app.app_context():
                db.session.add(SessionProctor(session_id=session_id, user_id=person.id, lead=lead))
                db.session.commit()
        browser = new_client()
        assert sign_in(browser, person.email).status_code == 302
        return person, browser

    return make


@pytest.fixture
def room(app, db, seat, proctor):
    """A candidate with a seat (signed in on ``client``) and the session's lead proctor (their own client).

    Returns an object with ``user``, ``booking``, ``session``, ``proctor`` and ``browser``.
    """
    from lms.exam.models import Booking

    class Room:
        pass

    def make(mode: str = "center", **seat_kwargs):
        room = Room()
        room.app = app
        room.user, room.booking = seat(**seat_kwargs)
        with app.app_context():
            booking = db.session.get(Booking, room.booking)
            room.session = booking.session_id
            booking.session.mode = mode
            db.session.commit()
        room.proctor, room.browser = proctor(room.session)
        return room

    return make


def seat_url(room, tail: str = "") -> str:
    return f"/proctor/sessions/{room.session}/seats/{room.booking}{tail}"


def check_in(room, follow: bool = False, **overrides):
    data = {"outcome": "present", "id_type": "driver_license", "name_matches": "1", "id_last": "4821", **overrides}
    return room.browser.submit(seat_url(room, "/checkin"), data, follow_redirects=follow)


def admit(room):
    check_in(room)
    response = room.browser.submit(seat_url(room, "/admit"), {})
    assert response.status_code == 302
    return attempt_of(room)


def attempt_of(room):
    from sqlalchemy import select

    from lms.exam.models import Attempt
    from lms.extensions import db

    with room.app.app_context():
        attempt = db.session.scalars(select(Attempt).where(Attempt.booking_id == room.booking)).first()
        return attempt.public_id if attempt else None


def act(room, action: str, key: str | None = None, **fields):
    import secrets

    data = {"action": action, "reason": fields.pop("reason", "technical"), "note": fields.pop("note", "Seen at seat 4."),
            "key": key or secrets.token_urlsafe(24), **fields}
    return room.browser.post_json(f"/api/v1/proctor/sessions/{room.session}/seats/{room.booking}/actions", data)
