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


def approved_application(db, user_id, at, **fields):
    """An application approved at ``at``, its window open for the policy's months."""
    from lms.candidates.models import Application

    values = dict(user_id=user_id, status="approved", legal_name="Test Candidate", education="diploma",
                  lived_experience="consumer", willing_to_share=True, dedication="I am committed to recovery.",
                  training_source="platform", ethics_version="2024-1", ethics_signature="Test Candidate",
                  ethics_signed_at=at, submitted_at=at, decided_at=at, window_opens_at=at,
                  window_closes_at=at + timedelta(days=365))
    values.update(fields)
    application = Application(**values)
    db.session.add(application)
    db.session.flush()
    return application


def approve_accommodations(db, application, submitted_at, kinds: dict):
    """A decided request approving each kind in ``kinds`` (kind -> {"multiplier"|"minutes"|"count": value})."""
    from lms.candidates.models import AccommodationRequest, AccommodationItem, Upload

    if not kinds:
        return None
    upload = Upload(owner_id=application.user_id, purpose="accommodation", filename="form.pdf",
                    content_type="application/pdf", size=10, sha256="0" * 64, storage_key=f"test-{application.id}")
    request = AccommodationRequest(application=application, status="decided", upload=upload, submitted_at=submitted_at,
                                   decided_at=submitted_at)
    for kind, values in kinds.items():
        request.items.append(AccommodationItem(kind=kind, decision="approved", decided_at=submitted_at,
                                               **{k: v for k, v in (values or {}).items() if v}))
    db.session.add_all([upload, request])
    db.session.flush()
    return request


@pytest.fixture
def approve(app, db, clock):
    """Give a user an approved application (window open from now): ``approve(user, **fields)``."""
    def make(user, **fields):
        with app.app_context():
            application = approved_application(db, user.id, clock(), **fields)
            db.session.commit()
            return application.id

    return make


@pytest.fixture
def seat(app, db, clock, full_bank, create_user, client):
    """A trainee signed in on ``client`` with a seat booked in a session an hour from now (Spanish)."""
    from lms.exam.models import Booking, ExamSession

    def make(language="es", multiplier=None, extra_minutes=None, **accommodations):
        user = create_user(Role.TRAINEE)
        with app.app_context():
            application = approved_application(db, user.id, clock())
            if multiplier or extra_minutes:
                accommodations["extra_time"] = {"multiplier": multiplier, "minutes": extra_minutes}
            approve_accommodations(db, application, clock() - timedelta(days=40), accommodations)
            session = ExamSession(mode="center", starts_at=clock() + timedelta(hours=1), location="Sacramento",
                                  capacity=10, languages=["en", "es", "ar"])
            booking = Booking(session=session, user_id=user.id, language=language, status="booked", booked_at=clock(),
                              application=application)
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
