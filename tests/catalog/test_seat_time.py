"""Self-paced seat time: the server's clock decides; idle, hidden, replayed and doubled beats earn nothing."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from lms.catalog.models import CreditEntry, CreditSource
from lms.core.roles import Role


@pytest.fixture
def learner(client, login_as, offered, clock):
    """A trainee enrolled in a course whose first lesson is 60 self-paced minutes (cap 90)."""
    course = offered()
    login_as(Role.TRAINEE)
    home = client.submit(f"/courses/{course.offering_id}/enrol").headers["Location"]
    enrollment_id = int(home.rstrip("/").split("/")[-1])
    course.url = f"/api/v1/enrollments/{enrollment_id}/lessons/{course.self_paced}/heartbeat"
    course.enrollment_id = enrollment_id
    return course


def beat(client, url, page="tab-1", sequence=1, active=True):
    response = client.post_json(url, {"page": page, "sequence": sequence, "active": active})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.json


def ledger_seconds(app, **where) -> int:
    from lms.extensions import db

    with app.app_context():
        query = select(func.coalesce(func.sum(CreditEntry.seconds), 0))
        for name, value in where.items():
            query = query.where(getattr(CreditEntry, name) == value)
        return db.session.scalar(query)


def test_credits_the_real_time_between_beats(client, learner, clock):
    assert beat(client, learner.url, sequence=1)["credited_seconds"] == 0  # the first beat starts the clock
    clock.advance(seconds=30)
    assert beat(client, learner.url, sequence=2)["credited_seconds"] == 30
    clock.advance(seconds=20)
    assert beat(client, learner.url, sequence=3)["lesson_seconds"] == 50


def test_a_beat_after_a_long_silence_earns_nothing(client, learner, clock):
    beat(client, learner.url, sequence=1)
    clock.advance(seconds=46)  # more than interval (30) + grace (15)
    assert beat(client, learner.url, sequence=2)["credited_seconds"] == 0
    clock.advance(seconds=45)
    assert beat(client, learner.url, sequence=3)["credited_seconds"] == 45


def test_hidden_or_idle_pages_stop_the_clock(client, learner, clock):
    beat(client, learner.url, sequence=1)
    clock.advance(seconds=10)
    assert beat(client, learner.url, sequence=2, active=False)["credited_seconds"] == 10  # up to hiding
    clock.advance(seconds=30)
    assert beat(client, learner.url, sequence=3, active=True)["credited_seconds"] == 0  # hidden time is not paid
    clock.advance(seconds=30)
    assert beat(client, learner.url, sequence=4)["credited_seconds"] == 30


def test_replayed_beats_earn_nothing(client, learner, clock):
    beat(client, learner.url, sequence=1)
    clock.advance(seconds=30)
    beat(client, learner.url, sequence=2)
    clock.advance(seconds=30)
    replay = beat(client, learner.url, sequence=2)
    assert replay["replayed"] is True and replay["credited_seconds"] == 0
    assert beat(client, learner.url, sequence=3)["credited_seconds"] == 30


def test_two_tabs_never_double_count(app, client, learner, clock):
    beat(client, learner.url, page="tab-a", sequence=1)
    for n in range(2, 12):  # both tabs beat every 30 s, 15 s apart, for 5 minutes
        clock.advance(seconds=15)
        beat(client, learner.url, page="tab-b", sequence=n)
        clock.advance(seconds=15)
        beat(client, learner.url, page="tab-a", sequence=n)
    assert beat(client, learner.url, page="tab-a", sequence=99, active=False)["lesson_seconds"] == 300


def test_whole_minutes_go_to_the_ledger_and_the_rest_when_the_page_stops(app, client, learner, clock):
    beat(client, learner.url, sequence=1)
    for n in range(2, 5):
        clock.advance(seconds=30)
        beat(client, learner.url, sequence=n)  # 90 seconds
    assert ledger_seconds(app, lesson_id=learner.self_paced) == 60
    clock.advance(seconds=20)
    beat(client, learner.url, sequence=5, active=False)
    assert ledger_seconds(app, lesson_id=learner.self_paced, source=CreditSource.SELF_PACED) == 110
    with app.app_context():
        from lms.extensions import db

        rows = db.session.scalars(select(CreditEntry)).all()
        assert {(r.competency, r.enrollment_id) for r in rows} == {("1", learner.enrollment_id)}


def test_credit_per_lesson_stops_at_the_cap(app, client, learner, clock):
    app.config["POLICY"] = {"seat_time_cap_factor": 0.05}  # 60 planned minutes x 0.05 = 180 seconds
    try:
        beat(client, learner.url, sequence=1)
        for n in range(2, 12):
            clock.advance(seconds=30)
            last = beat(client, learner.url, sequence=n)
        assert last["lesson_seconds"] == 180 and last["cap_seconds"] == 180
        assert last["credited_seconds"] == 0
    finally:
        app.config["POLICY"] = None


def test_live_lessons_and_other_peoples_enrolments_refuse_beats(client, new_client, create_user, learner):
    live = learner.url.replace(f"/lessons/{learner.self_paced}/", f"/lessons/{learner.live}/")
    response = client.post_json(live, {"page": "p", "sequence": 1, "active": True})
    assert response.status_code == 400 and response.json["error"]["code"] == "not_self_paced"
    other = new_client()
    from ..conftest import sign_in

    sign_in(other, create_user(Role.TRAINEE).email)
    assert other.post_json(learner.url, {"page": "p", "sequence": 1, "active": True}).status_code == 404


@pytest.mark.parametrize("body", [{}, {"page": "", "sequence": 1, "active": True},
                                  {"page": "p", "sequence": 0, "active": True},
                                  {"page": "p", "sequence": "1", "active": True},
                                  {"page": "p", "sequence": 1, "active": "yes"}, ["p", 1]])
def test_malformed_beats_get_a_clear_error(client, learner, body):
    response = client.post_json(learner.url, body)
    assert response.status_code == 400 and response.json["error"]["code"] == "invalid_body"
