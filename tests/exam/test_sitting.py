"""The sitting: the frozen form, the server's clock, idempotent saves, the break, the deadline and the sweeper."""
from __future__ import annotations

from collections import Counter
from datetime import timedelta

from sqlalchemy import select

from lms.exam.models import Attempt, Booking

API = "/api/v1/attempts/{}"


def _attempt(app, db, public_id):
    with app.app_context():
        attempt = db.session.scalars(select(Attempt).where(Attempt.public_id == public_id)).one()
        answers = {a.position: (a.option, a.flagged) for a in attempt.answers}
        db.session.expunge(attempt)
        return attempt, answers


def test_admission_freezes_a_blueprint_form_and_sets_the_time(app, db, clock, admitted):
    from lms.itembank.loader import shipped_blueprint

    _user, public_id = admitted(multiplier=1.5, extra_minutes=5)
    attempt, _ = _attempt(app, db, public_id)
    blueprint = shipped_blueprint()
    assert len(attempt.form) == blueprint.length == 120
    assert sum(e["pretest"] for e in attempt.form) == blueprint.pretest_items
    areas = Counter(e["item"][4:6] for e in attempt.form if not e["pretest"])
    assert sum(areas.values()) == blueprint.scored_items
    assert attempt.time_allowed_seconds == 150 * 60 * 1.5 + 5 * 60
    assert attempt.running_since == clock()


def test_admitting_twice_gives_the_same_attempt(app, db, clock, seat):
    from lms.exam.sitting import admit

    _user, booking_id = seat()
    with app.app_context():
        first = admit(db.session.get(Booking, booking_id), clock()).public_id
        db.session.commit()
    with app.app_context():
        assert admit(db.session.get(Booking, booking_id), clock()).public_id == first
        assert db.session.scalar(select(Attempt.id).where(Attempt.booking_id == booking_id)) is not None


def test_saves_are_idempotent_and_ordered(app, db, client, clock, admitted):
    _user, public_id = admitted()
    item = client.get(f"{API.format(public_id)}/items/1").json
    first, second = item["options"][0]["id"], item["options"][1]["id"]
    saved = client.post_json(f"{API.format(public_id)}/answers", {"position": 1, "answer": first, "seq": 1})
    assert saved.status_code == 200 and saved.json["applied"] and saved.json["answered"] == 1
    replay = client.post_json(f"{API.format(public_id)}/answers", {"position": 1, "answer": second, "seq": 1})
    assert replay.status_code == 200 and replay.json["applied"] is False
    client.post_json(f"{API.format(public_id)}/answers", {"position": 1, "answer": second, "seq": 3})
    stale = client.post_json(f"{API.format(public_id)}/answers", {"position": 1, "answer": first, "seq": 2})
    assert stale.json["applied"] is False
    assert client.get(f"{API.format(public_id)}/items/1").json["answer"] == second
    flagged = client.post_json(f"{API.format(public_id)}/answers", {"position": 1, "flagged": True, "seq": 4})
    assert flagged.json["flagged"] == [0] and flagged.json["answered"] == 1   # the flag alone keeps the answer
    bad = client.post_json(f"{API.format(public_id)}/answers", {"position": 1, "answer": "a", "seq": 5})
    assert bad.status_code == 400 and bad.json["error"]["code"] == "bad_option"


def test_the_deadline_is_the_servers_and_late_saves_are_refused(app, db, client, clock, admitted):
    _user, public_id = admitted()
    option = client.get(f"{API.format(public_id)}/items/1").json["options"][2]["id"]
    client.post_json(f"{API.format(public_id)}/answers", {"position": 1, "answer": option, "seq": 1})
    clock.advance(minutes=149, seconds=59)
    assert client.get(API.format(public_id)).json["remaining_seconds"] == 1
    clock.advance(seconds=2)
    late = client.post_json(f"{API.format(public_id)}/answers", {"position": 2, "answer": option, "seq": 2})
    assert late.status_code == 409 and late.json["error"]["code"] == "time_up"
    attempt, answers = _attempt(app, db, public_id)
    assert attempt.state == "expired" and attempt.result is not None and set(answers) == {0}
    assert attempt.time_used_seconds == attempt.time_allowed_seconds


def test_the_sweeper_closes_attempts_whose_browser_never_came_back(app, db, clock, admitted):
    from lms.exam.sitting import sweep

    _user, public_id = admitted()
    clock.advance(minutes=100)
    with app.app_context():
        assert sweep(clock()) == 0
    clock.advance(minutes=51)
    with app.app_context():
        assert sweep(clock()) == 1
        db.session.commit()
        assert sweep(clock()) == 0
    attempt, _ = _attempt(app, db, public_id)
    assert attempt.state == "expired" and attempt.ended_at == attempt.started_at + timedelta(minutes=150)


def test_the_scheduled_break_stops_the_clock_and_an_overrun_counts(app, db, client, clock, admitted):
    _user, public_id = admitted()
    clock.advance(minutes=30)
    page = client.get(f"/exam/attempts/{public_id}?q=61", follow_redirects=True).get_data(as_text=True)
    assert "You have reached the scheduled break of 10 minutes." in page
    client.submit(f"/exam/attempts/{public_id}/break", {"action": "start"})
    before = client.get(API.format(public_id)).json
    assert before["state"] == "on_break" and before["clock_running"] is False
    clock.advance(minutes=8)
    assert client.get(API.format(public_id)).json["remaining_seconds"] == before["remaining_seconds"]
    clock.advance(minutes=7)   # 5 minutes past the end of the break: the clock ran again from the break's end
    after = client.get(API.format(public_id)).json
    assert after["state"] == "in_progress" and after["remaining_seconds"] == before["remaining_seconds"] - 5 * 60
    assert "scheduled break" not in client.get(f"/exam/attempts/{public_id}").get_data(as_text=True)


def test_a_second_device_is_refused_while_the_first_holds_the_attempt(client, new_client, admitted):
    """Releasing the first device is the proctor's (tests/proctoring/test_actions.py)."""
    from ..conftest import sign_in

    user, public_id = admitted()
    assert client.get(f"/exam/attempts/{public_id}").status_code == 200
    other = new_client()
    sign_in(other, user.email)
    refused = other.get(f"/exam/attempts/{public_id}")
    assert refused.status_code == 409 and "open on another device" in refused.get_data(as_text=True)
    assert other.get(API.format(public_id)).status_code == 409


def test_the_browser_has_its_device_identity_before_the_attempt_is_bound_to_it(client, admitted):
    """A response lost on the way (a timeout during a crowded admission) must not lock the candidate out."""
    _user, public_id = admitted()
    client.get("/exam/")
    token = client.get_cookie("lms_exam_device").value
    first = client.get(f"/exam/attempts/{public_id}")
    assert first.status_code == 200 and "lms_exam_device" not in first.headers.get("Set-Cookie", "")
    client.delete_cookie("lms_exam_device")   # nothing the browser got from binding is needed to carry on
    client.set_cookie("lms_exam_device", token)
    assert client.get(f"/exam/attempts/{public_id}").status_code == 200
    assert client.get(API.format(public_id)).status_code == 200


def test_submitting_scores_the_attempt_and_shows_the_result(app, db, client, clock, admitted):
    _user, public_id = admitted()
    for n in range(1, 11):
        option = client.get(f"{API.format(public_id)}/items/{n}").json["options"][0]["id"]
        client.post_json(f"{API.format(public_id)}/answers", {"position": n, "answer": option, "seq": n})
    unconfirmed = client.submit(f"/exam/attempts/{public_id}/submit", {}, follow_redirects=True)
    assert "Tick the box to confirm" in unconfirmed.get_data(as_text=True)
    done = client.submit(f"/exam/attempts/{public_id}/submit", {"confirm": "1"}, follow_redirects=True)
    body = done.get_data(as_text=True)
    assert "Scaled score" in body and "Performance by area" in body
    attempt, _ = _attempt(app, db, public_id)
    assert attempt.state == "submitted" and attempt.result["scored_items"] == 100
    assert 0 <= attempt.result["raw"] <= 10
    late = client.post_json(f"{API.format(public_id)}/answers", {"position": 12, "answer": None, "seq": 99})
    assert late.status_code == 409
