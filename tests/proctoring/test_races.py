"""Proctor actions racing candidate saves, on a database where commits are real (each thread its own
connection, as gunicorn's threads have): whichever lands first, the outcome is one a person can explain."""
from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

import lms.accounts.models  # noqa: F401  (every model is mapped before the exam's are used)
from lms.core.errors import DomainError
from lms.core.roles import Role
from lms.exam import sitting
from lms.exam.models import Attempt, AttemptAnswer, Booking, ExamSession, SessionProctor
from lms.proctoring.actions import perform

from ..exam.conftest import approved_application

START = datetime(2026, 11, 24, 17, 0, tzinfo=timezone.utc)


def _room(app):
    """A candidate admitted at START in a session run by one proctor; returns (attempt id, booking id, ids)."""
    from lms.accounts.models import RoleGrant, User
    from lms.extensions import db
    from lms.itembank.loader import EXAM_BANK, load_bank
    from lms.itembank.store import load_files

    app.config["CLOCK"] = lambda: START
    with app.test_request_context():
        load_files(load_bank(EXAM_BANK))
        people = []
        for email, role in (("racer@example.org", Role.TRAINEE), ("proctor@example.org", Role.PROCTOR)):
            person = User(email=email, name=email.split("@")[0], locale="en", password_hash=None)
            person.grants.append(RoleGrant(role=role))
            db.session.add(person)
            people.append(person)
        db.session.flush()
        application = approved_application(db, people[0].id, START)
        session = ExamSession(mode="center", starts_at=START, location="Race", capacity=5, languages=["en"])
        booking = Booking(session=session, user_id=people[0].id, language="en", status="booked", booked_at=START,
                          application=application, checkin="present")
        db.session.add_all([session, booking, SessionProctor(session=session, user_id=people[1].id, lead=True)])
        db.session.flush()
        attempt = sitting.admit(booking, START)
        db.session.commit()
        return attempt.id, booking.id, session.id, people[1].id


def _together(*jobs):
    """Run the jobs in threads released at the same moment; each returns its outcome."""
    barrier, outcomes = threading.Barrier(len(jobs)), [None] * len(jobs)

    def run(n, job):
        barrier.wait(timeout=30)
        outcomes[n] = job()

    threads = [threading.Thread(target=run, args=(n, job)) for n, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def _save_job(app, attempt_id, position, seq, at):
    from lms.extensions import db

    def job():
        with app.test_request_context(method="POST"):
            attempt = db.session.scalars(select(Attempt).where(Attempt.id == attempt_id).with_for_update()).one()
            try:
                applied = sitting.save(attempt, position, None, True, seq, at)
            except DomainError as error:
                db.session.commit()   # as the API does: keep an attempt closed by time
                return error.code
            db.session.commit()
            return "applied" if applied else "stale"
    return job


def _action_job(app, booking_id, session_id, proctor_id, action, key, at, **kwargs):
    from lms.accounts.models import User
    from lms.extensions import db

    def job():
        with app.test_request_context(method="POST"):
            try:
                perform(db.session.get(ExamSession, session_id), db.session.get(Booking, booking_id), action,
                        "technical", "Race test.", key, db.session.get(User, proctor_id), at, **kwargs)
            except DomainError as error:
                db.session.rollback()
                return error.code
            db.session.commit()
            return "done"
    return job


def test_a_pause_racing_saves_leaves_every_save_either_stored_and_acknowledged_or_refused(committed_app):
    from lms.extensions import db

    app = committed_app
    attempt_id, booking_id, session_id, proctor_id = _room(app)
    seq = 0
    for round_ in range(6):
        at = START + timedelta(minutes=round_ + 1)
        seq += 1
        save, pause = _together(_save_job(app, attempt_id, round_, seq, at),
                                _action_job(app, booking_id, session_id, proctor_id, "pause", f"pause-key-{round_:08d}",
                                            at))
        assert pause == "done"
        assert save in ("applied", "paused"), save
        with app.test_request_context():
            stored = db.session.scalars(select(AttemptAnswer).where(AttemptAnswer.attempt_id == attempt_id,
                                                                    AttemptAnswer.position == round_)).first()
            attempt = db.session.get(Attempt, attempt_id)
            assert (stored is not None and stored.seq == seq) == (save == "applied")
            assert attempt.state == "paused" and attempt.running_since is None
        _together(_action_job(app, booking_id, session_id, proctor_id, "resume", f"resume-key-{round_:07d}", at))
    with app.test_request_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.time_used_seconds == 6 * 60   # six minutes ran; each pause and resume lost nothing


def test_an_extension_racing_a_save_just_past_the_deadline_is_all_or_nothing(committed_app):
    from lms.extensions import db

    app = committed_app
    attempt_id, booking_id, session_id, proctor_id = _room(app)
    late = START + timedelta(minutes=150, seconds=10)
    save, extend = _together(_save_job(app, attempt_id, 4, 1, late),
                             _action_job(app, booking_id, session_id, proctor_id, "extend", "extend-key-0000001", late,
                                         minutes=5))
    assert (save, extend) in (("applied", "done"), ("time_up", "ended")), (save, extend)
    with app.test_request_context():
        attempt = db.session.get(Attempt, attempt_id)
        if extend == "done":
            assert attempt.state == "in_progress" and attempt.time_allowed_seconds == 155 * 60
        else:
            assert attempt.state == "expired" and attempt.time_allowed_seconds == 150 * 60
