"""Every action's effect on the candidate's clock and screen, its audit trail, and its races with saves."""
from __future__ import annotations

import secrets

from sqlalchemy import func, select

from lms.core.audit import AuditEvent
from lms.proctoring.models import ProctorAction

from ..conftest import sign_in
from .conftest import act, admit

API = "/api/v1/attempts/{}"


def _state(client, public_id):
    return client.get(API.format(public_id)).json


def _save(client, public_id, position, seq):
    option = client.get(f"{API.format(public_id)}/items/{position}").json["options"][0]["id"]
    return client.post_json(f"{API.format(public_id)}/answers", {"position": position, "answer": option, "seq": seq})


def test_a_pause_stops_the_clock_refuses_answers_and_shows_on_the_candidates_screen(app, db, client, clock, room):
    r = room()
    public_id = admit(r)
    clock.advance(minutes=20)
    assert act(r, "pause").status_code == 200
    before = _state(client, public_id)
    assert before["state"] == "paused" and before["clock_running"] is False
    page = client.get(f"/exam/attempts/{public_id}").get_data(as_text=True)
    assert "Your proctor has paused your exam" in page
    refused = client.post_json(f"{API.format(public_id)}/answers", {"position": 1, "answer": None, "seq": 1})
    assert refused.status_code == 409 and refused.json["error"]["code"] == "paused"
    assert client.get(f"{API.format(public_id)}/items/1").status_code == 409
    assert client.submit(f"/exam/attempts/{public_id}/submit", {"confirm": "1"}).status_code == 302
    assert _state(client, public_id)["state"] == "paused"   # a paused exam cannot be submitted either
    clock.advance(minutes=15)
    assert _state(client, public_id)["remaining_seconds"] == before["remaining_seconds"]
    assert act(r, "resume").status_code == 200
    clock.advance(minutes=1)
    after = _state(client, public_id)
    assert after["state"] == "in_progress" and after["remaining_seconds"] == before["remaining_seconds"] - 60
    assert _save(client, public_id, 1, 1).json["applied"] is True


def test_an_action_needs_a_reason_and_a_note_and_a_repeat_changes_nothing(app, db, client, room):
    r = room()
    public_id = admit(r)
    assert act(r, "pause", reason="").json["error"]["code"] == "bad_input"
    assert act(r, "pause", note="  ").json["error"]["code"] == "bad_input"
    key = secrets.token_urlsafe(24)
    first, again = act(r, "extend", key=key, minutes=10), act(r, "extend", key=key, minutes=10)
    assert first.status_code == again.status_code == 200 and first.json == again.json
    import jsonschema
    document = client.get("/api/v1/openapi.json").json
    jsonschema.validate(first.json, document["components"]["schemas"]["ProctorActionDone"])
    with app.app_context():
        assert db.session.scalar(select(func.count(ProctorAction.id))) == 1
        assert db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "exam.proctor_extend")) == 1
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "exam.proctor_extend")).one()
        assert event.actor_id == r.proctor.id and event.reason == "technical" and event.data["minutes"] == 10
    assert _state(client, public_id)["time_allowed_seconds"] == 150 * 60 + 600


def test_an_extension_near_the_deadline_keeps_the_candidate_going_and_one_after_it_is_refused(
        app, db, client, clock, room):
    r = room()
    public_id = admit(r)
    clock.advance(minutes=149, seconds=50)
    assert act(r, "extend", minutes=5).status_code == 200
    clock.advance(seconds=30)   # past the first deadline, inside the extension
    assert _save(client, public_id, 3, 1).json["applied"] is True
    assert "Your time allowance was changed" in client.get(f"/exam/attempts/{public_id}").get_data(as_text=True)
    clock.advance(minutes=5)
    late = act(r, "extend", minutes=5)
    assert late.status_code == 409 and late.json["error"]["code"] == "ended"
    assert _state(client, public_id)["state"] == "expired"


def test_a_save_sent_before_a_pause_counts_and_one_after_it_waits(app, db, client, clock, room):
    r = room()
    public_id = admit(r)
    assert _save(client, public_id, 2, 1).json["applied"] is True
    act(r, "pause")
    assert client.post_json(f"{API.format(public_id)}/answers", {"position": 2, "answer": None, "seq": 2}).status_code \
        == 409
    act(r, "resume")
    state = _state(client, public_id)
    assert state["answered"] == 1 and state["last_seq"] == 1   # the refused save changed nothing; the browser resends it


def test_release_lets_the_candidate_continue_on_another_device(app, db, client, new_client, room):
    r = room()
    public_id = admit(r)
    assert _save(client, public_id, 7, 1).json["applied"] is True
    other = new_client()
    sign_in(other, r.user.email)
    assert other.get(f"/exam/attempts/{public_id}").status_code == 409
    assert act(r, "release").status_code == 200
    assert "Question 7 of 120" in other.get(f"/exam/attempts/{public_id}").get_data(as_text=True)
    assert client.get(API.format(public_id)).status_code == 409


def test_ending_for_misconduct_voids_the_attempt_and_it_counts_as_a_sitting(app, db, client, clock, room):
    from lms.exam.models import Attempt

    r = room()
    public_id = admit(r)
    _save(client, public_id, 1, 1)
    assert act(r, "terminate", reason="misconduct", note="Phone out during the exam.").status_code == 200
    state = _state(client, public_id)
    assert state["state"] == "terminated"
    page = client.get(f"/exam/attempts/{public_id}", follow_redirects=True).get_data(as_text=True)
    assert "Your exam was ended by the proctor" in page
    with app.app_context():
        attempt = db.session.scalars(select(Attempt).where(Attempt.public_id == public_id)).one()
        assert attempt.result is None and attempt.ended_at == clock()
    assert "To sit again, send a retake request" in client.get("/exam/").get_data(as_text=True)
    assert act(r, "terminate").json["error"]["code"] == "ended"


def test_a_reopened_attempt_waits_for_the_candidate_then_the_clock_runs(app, db, client, new_client, clock, room):
    r = room()
    public_id = admit(r)
    clock.advance(minutes=151)   # the workstation died; time ran out while the candidate could not get back
    assert _state(client, public_id)["state"] == "expired"
    assert act(r, "reopen", minutes=0).json["error"]["code"] == "no_time_left"
    assert act(r, "reopen", minutes=12).status_code == 200
    clock.advance(minutes=5)   # the candidate moves to another workstation: the clock has not started
    other = new_client()
    sign_in(other, r.user.email)
    first = other.get(API.format(public_id)).json
    assert first["state"] == "in_progress" and first["remaining_seconds"] == 12 * 60
    clock.advance(minutes=2)
    assert other.get(API.format(public_id)).json["remaining_seconds"] == 10 * 60


def test_move_seats_the_candidate_in_another_session_with_its_proctors(app, db, client, clock, room, proctor):
    from datetime import timedelta

    from lms.exam.models import Booking, ExamSession

    r = room()
    with app.app_context():
        later = ExamSession(mode="center", starts_at=clock() + timedelta(hours=3), location="Fresno", capacity=5,
                            languages=["es"])
        db.session.add(later)
        db.session.commit()
        later_id = later.id
    refused = act(r, "move", to_session=later_id)   # the proctor does not run the later session
    assert refused.json["error"]["code"] == "bad_input"
    from lms.exam.models import SessionProctor
    with app.app_context():
        db.session.add(SessionProctor(session_id=later_id, user_id=r.proctor.id, lead=False))
        db.session.commit()
    assert act(r, "move", to_session=later_id).status_code == 200
    with app.app_context():
        assert db.session.get(Booking, r.booking).session_id == later_id
    assert r.browser.get(f"/proctor/sessions/{r.session}/seats/{r.booking}").status_code == 404
