from __future__ import annotations

from datetime import timedelta

import pytest

from lms.core.roles import Role

from ..conftest import sign_in
from ..itembank.conftest import shipped


@pytest.fixture
def full_bank(app, db):
    from lms.itembank.store import load_files

    with app.app_context():
        load_files(shipped())
        db.session.commit()


@pytest.fixture
def seat(app, db, clock, full_bank, create_user, client):
    """A trainee signed in on ``client`` with a seat booked in a session an hour from now (Spanish)."""
    from lms.exam.models import Booking, ExamSession

    def make(language="es", multiplier=1.0, extra_minutes=0):
        user = create_user(Role.TRAINEE)
        with app.app_context():
            session = ExamSession(mode="center", starts_at=clock() + timedelta(hours=1), location="Sacramento",
                                  capacity=10, languages=["en", "es", "ar"])
            booking = Booking(session=session, user_id=user.id, language=language, status="booked", booked_at=clock(),
                              time_multiplier=multiplier, extra_minutes=extra_minutes)
            db.session.add_all([session, booking])
            db.session.commit()
            booking_id = booking.id
        assert sign_in(client, user.email).status_code == 302
        return user, booking_id

    return make


@pytest.fixture
def admitted(app, db, clock, seat):
    """Admit the seat's booking; returns (user, public id of the attempt)."""
    from lms.exam.models import Booking
    from lms.exam.sitting import admit

    def make(**kwargs):
        user, booking_id = seat(**kwargs)
        with app.app_context():
            attempt = admit(db.session.get(Booking, booking_id), clock())
            db.session.commit()
            return user, attempt.public_id

    return make
