"""Booking a seat: capacity, languages, one open seat per candidate, and staff admission."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from lms.core.roles import Role
from lms.exam.models import Booking, ExamSession


def _session(app, db, clock, capacity=1, languages=("en", "es")):
    with app.app_context():
        session = ExamSession(mode="online", starts_at=clock() + timedelta(days=3), location="", capacity=capacity,
                              languages=list(languages))
        db.session.add(session)
        db.session.commit()
        return session.id


def test_booking_respects_capacity_language_and_one_open_seat(app, db, client, new_client, clock, full_bank,
                                                               login_as, create_user, approve):
    from ..conftest import sign_in

    full = _session(app, db, clock, capacity=1)
    other = _session(app, db, clock, capacity=5)
    approve(login_as(Role.TRAINEE))
    wrong = client.submit(f"/exam/sessions/{full}/book", {"language": "ko"}, follow_redirects=True)
    assert "not offered in that language" in wrong.get_data(as_text=True)
    assert "Your seat is booked." in client.submit(f"/exam/sessions/{full}/book", {"language": "es"},
                                                   follow_redirects=True).get_data(as_text=True)
    second = client.submit(f"/exam/sessions/{other}/book", {"language": "es"}, follow_redirects=True)
    assert "You already have a seat booked" in second.get_data(as_text=True)
    someone = new_client()
    other_candidate = create_user(Role.TRAINEE)
    approve(other_candidate)
    sign_in(someone, other_candidate.email)
    assert "This session is full" in someone.submit(f"/exam/sessions/{full}/book", {"language": "en"},
                                                    follow_redirects=True).get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Booking).where(Booking.session_id == full)) == 1


def test_staff_schedule_a_session_and_admit_a_candidate(app, db, client, new_client, clock, full_bank, login_as,
                                                        create_user, approve):
    from ..conftest import sign_in

    login_as(Role.ADMIN)
    created = client.submit("/staff/exam/sessions", {"mode": "center", "starts_at": "2026-12-01T09:00",
                                                     "location": "Fresno", "capacity": "20", "languages": ["es", "ar"]})
    assert created.status_code == 302
    session_id = int(created.headers["Location"].rsplit("/", 1)[1])
    with app.app_context():   # 9:00 in California (the default time zone) is 17:00 UTC in December
        assert db.session.get(ExamSession, session_id).starts_at.isoformat() == "2026-12-01T17:00:00+00:00"
    candidate = create_user(Role.TRAINEE, name="Rosa Candidate")
    approve(candidate)
    trainee = new_client()
    sign_in(trainee, candidate.email)
    trainee.submit(f"/exam/sessions/{session_id}/book", {"language": "ar"})
    roster = client.get(f"/staff/exam/sessions/{session_id}").get_data(as_text=True)
    assert "Rosa Candidate" in roster and "Not checked in" in roster
    with app.app_context():
        booking_id = db.session.scalar(select(Booking.id).where(Booking.user_id == candidate.id))
    # Certification staff may run any session's console: check the ID, then admit.
    client.submit(f"/proctor/sessions/{session_id}/seats/{booking_id}/checkin",
                  {"outcome": "present", "id_type": "passport", "name_matches": "1", "id_last": "77A"})
    client.submit(f"/proctor/sessions/{session_id}/seats/{booking_id}/admit")
    home = trainee.get("/exam/").get_data(as_text=True)
    assert "Continue your exam" in home
    page = trainee.get(trainee.get("/exam/").get_data(as_text=True).split('href="/exam/attempts/')[1].split('"')[0]
                       .join(["/exam/attempts/", ""])).get_data(as_text=True)
    assert 'lang="ar" dir="rtl"' in page and "Question 1 of 120" in page
    missing = client.submit("/staff/exam/sessions", {"mode": "center", "starts_at": "", "capacity": "3",
                                                     "languages": ["es"]}, follow_redirects=True)
    assert "Enter the date and time the session starts." in missing.get_data(as_text=True)
