"""Retakes: at most 3 sittings per window, each retake approved by staff, a waiting period, scholarships."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from lms.candidates import eligibility
from lms.core.errors import DomainError
from lms.core.roles import Role
from lms.exam import scheduling
from lms.exam.models import Attempt, Booking, ExamSession

from ..conftest import sign_in
from ..exam.conftest import approved_application


def _session(db, at, days=3, capacity=5):
    session = ExamSession(mode="online", starts_at=at + timedelta(days=days), location="", capacity=capacity,
                          languages=["en", "es"])
    db.session.add(session)
    db.session.flush()
    return session


def _sit(db, booking, at, passed=False):
    """An ended sitting on ``booking`` (released), as the scoring leaves it."""
    attempt = Attempt(public_id=f"p{booking.id:031d}", booking_id=booking.id, user_id=booking.user_id,
                      language=booking.language, state="submitted", form=[], time_allowed_seconds=9000,
                      break_points=[60], break_seconds=600, accommodations=[], started_at=at, ended_at=at,
                      released_at=at, result={"passed": passed, "scaled": 520 if passed else 430})
    db.session.add(attempt)
    db.session.flush()
    return attempt


def _book_and_sit(app, db, user, at, passed=False):
    session = _session(db, at)
    booking = scheduling.book(user, session, "en", at)
    _sit(db, booking, session.starts_at + timedelta(hours=3), passed)
    return session.starts_at + timedelta(hours=3)


def test_a_retake_needs_an_approved_request_and_the_limit_is_three(app, db, clock, full_bank, create_user):
    from lms.candidates import retakes

    user, staff = create_user(Role.TRAINEE), create_user(Role.ADMIN)
    with app.test_request_context():
        user = db.session.merge(user)
        approved_application(db, user.id, clock())
        at = _book_and_sit(app, db, user, clock())
        state = eligibility.standing(user, at)
        assert state.code == "retake_needed" and state.may_request_retake and state.sittings_used == 1
        with pytest.raises(DomainError) as refused:
            scheduling.book(user, _session(db, at), "en", at)
        assert refused.value.code == "retake_needed"
        for sitting in (2, 3):
            request = retakes.request(user, "I studied the ethics module again.", at)
            assert eligibility.standing(user, at).code == "retake_pending"
            with pytest.raises(DomainError):
                retakes.request(user, "again", at)
            retakes.decide(request, db.session.merge(staff), True, "", at)
            at = _book_and_sit(app, db, user, at)
            assert request.status == "used" and eligibility.standing(user, at).sittings_used == sitting
        state = eligibility.standing(user, at)
        assert state.code == "limit_reached" and not state.may_request_retake
        assert "A new application is needed." in state.message


def test_cancelling_a_retake_booking_gives_the_approved_retake_back(app, db, clock, full_bank, create_user):
    from lms.candidates import retakes

    user, staff = create_user(Role.TRAINEE), create_user(Role.ADMIN)
    with app.test_request_context():
        user = db.session.merge(user)
        approved_application(db, user.id, clock())
        at = _book_and_sit(app, db, user, clock())
        request = retakes.request(user, "", at)
        retakes.decide(request, db.session.merge(staff), True, "", at)
        booking = scheduling.book(user, _session(db, at), "en", at)
        assert request.status == "used"
        scheduling.cancel(user, booking)
        assert request.status == "approved" and eligibility.standing(user, at).retake is request


def test_the_waiting_period_is_a_setting_and_says_from_when(app, db, clock, full_bank, create_user):
    from lms.candidates import retakes

    user, staff = create_user(Role.TRAINEE), create_user(Role.ADMIN)
    app.config["POLICY"] = {"retake_wait_days": 14}
    try:
        with app.test_request_context():
            user = db.session.merge(user)
            approved_application(db, user.id, clock())
            at = _book_and_sit(app, db, user, clock())
            retakes.decide(retakes.request(user, "", at), db.session.merge(staff), True, "", at)
            state = eligibility.standing(user, at)
            assert state.can_book and state.from_date == at + timedelta(days=14)
            with pytest.raises(DomainError) as early:
                scheduling.book(user, _session(db, at, days=7), "en", at)
            assert early.value.code == "waiting" and "You can sit again from" in early.value.message
            assert scheduling.book(user, _session(db, at, days=15), "en", at).status == "booked"
    finally:
        app.config["POLICY"] = None


def test_a_funded_candidate_gets_a_retake_only_when_pre_approved(app, db, clock, full_bank, create_user):
    from lms.candidates import retakes

    user, staff = create_user(Role.TRAINEE), create_user(Role.ADMIN)
    with app.test_request_context():
        user, staff = db.session.merge(user), db.session.merge(staff)
        application = approved_application(db, user.id, clock(), funded=True)
        at = _book_and_sit(app, db, user, clock())
        state = eligibility.standing(user, at)
        assert state.code == "no_funded_retake" and not state.may_request_retake
        application.retake_preapproved = True
        request = retakes.request(user, "", at)
        retakes.decide(request, staff, True, "", at)
        at = _book_and_sit(app, db, user, at)
        assert eligibility.standing(user, at).code == "no_funded_retake"   # the one paid retake is used


def test_a_denied_retake_needs_a_reason_and_the_candidate_reads_it(app, db, client, new_client, clock, full_bank,
                                                                   create_user):
    user = create_user(Role.TRAINEE)
    with app.test_request_context():
        approved_application(db, user.id, clock())
        _book_and_sit(app, db, db.session.merge(user), clock())
        db.session.commit()
    clock.advance(days=4)
    sign_in(client, user.email)
    assert "To sit again, send a retake request." in client.get("/exam/").get_data(as_text=True)
    client.submit("/exam/retake", {"note": "Please"})
    staff = new_client()
    sign_in(staff, create_user(Role.ADMIN).email)
    queue = staff.get("/staff/retakes").get_data(as_text=True)
    request_id = int(queue.split('name="request_id" value="')[1].split('"')[0])
    empty = staff.submit("/staff/retakes", {"request_id": request_id, "decision": "deny", "reason": ""},
                         follow_redirects=True)
    assert "Write the reason the candidate will read." in empty.get_data(as_text=True)
    staff.submit("/staff/retakes", {"request_id": request_id, "decision": "deny",
                                    "reason": "Your fee has not been received yet."})
    page = client.get("/exam/retake").get_data(as_text=True)
    assert "Not approved" in page and "Your fee has not been received yet." in page


def test_two_simultaneous_bookings_never_pass_the_limit(committed_app):
    """Two tabs book two different sessions at the same moment: the application row lock lets one through."""
    from datetime import datetime, timezone

    from lms.accounts.models import RoleGrant, User
    from lms.extensions import db
    from lms.itembank.loader import EXAM_BANK, load_bank
    from lms.itembank.store import load_files

    app, at = committed_app, datetime(2026, 11, 24, 17, 0, tzinfo=timezone.utc)
    app.config["CLOCK"] = lambda: at
    with app.test_request_context():
        load_files(load_bank(EXAM_BANK))
        user = User(email="two-tabs@example.org", name="Two Tabs", locale="en", password_hash=None)
        user.grants.append(RoleGrant(role=Role.TRAINEE))
        db.session.add(user)
        db.session.flush()
        approved_application(db, user.id, at)
        user_id, sessions = user.id, [_session(db, at).id, _session(db, at).id]
        db.session.commit()
    outcomes, barrier = [], threading.Barrier(2)

    def book(session_id):
        with app.test_request_context(method="POST"):   # a booking is a POST, as in the browser
            barrier.wait(timeout=30)
            try:
                scheduling.book(db.session.get(User, user_id), db.session.get(ExamSession, session_id), "en", at)
                db.session.commit()
                outcomes.append("booked")
            except DomainError as error:
                db.session.rollback()
                outcomes.append(error.code)

    threads = [threading.Thread(target=book, args=(s,)) for s in sessions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["already_booked", "booked"]
    with app.test_request_context():
        assert db.session.scalar(select(func.count()).select_from(Booking).where(Booking.user_id == user_id)) == 1
