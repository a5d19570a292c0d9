"""Assignment, check-in and admission: in person by the proctor, online by the session's code."""
from __future__ import annotations

from sqlalchemy import select

from lms.core.roles import Role

from .conftest import admit, attempt_of, check_in, seat_url

SEAT_ROUTES = [("GET", ""), ("POST", "/checkin"), ("POST", "/admit"), ("POST", "/actions")]
SESSION_ROUTES = [("GET", ""), ("GET", "/incidents"), ("POST", "/incidents"), ("GET", "/report"),
                  ("GET", "/report.csv"), ("GET", "/report.pdf"), ("POST", "/sign-off")]


def test_a_proctor_of_another_session_is_refused_everywhere_json_included(app, db, room, proctor):
    r = room()
    _other, stranger = proctor(r.session, assign=False)
    failures = []
    for method, tail in SESSION_ROUTES:
        url = f"/proctor/sessions/{r.session}{tail}"
        response = stranger.get(url) if method == "GET" else stranger.submit(url, {})
        failures += [f"{method} {url}: {response.status_code}"] if response.status_code != 403 else []
    for method, tail in SEAT_ROUTES:
        url = seat_url(r, tail)
        response = stranger.get(url) if method == "GET" else stranger.submit(url, {})
        failures += [f"{method} {url}: {response.status_code}"] if response.status_code != 403 else []
    for url, payload in ((f"/api/v1/proctor/sessions/{r.session}/console", None),
                         (f"/api/v1/proctor/sessions/{r.session}/seats/{r.booking}/actions", {"action": "pause"})):
        response = stranger.get(url, headers={"Accept": "application/json"}) if payload is None \
            else stranger.post_json(url, payload)
        if response.status_code != 403 or not response.is_json:
            failures.append(f"{url}: {response.status_code}")
    assert not failures, failures
    assert f"/proctor/sessions/{r.session}" not in stranger.get("/proctor/").get_data(as_text=True)
    assert f"/proctor/sessions/{r.session}" in r.browser.get("/proctor/").get_data(as_text=True)
    assert r.browser.get(f"/api/v1/proctor/sessions/{r.session}/console").status_code == 200


def test_the_console_never_shows_item_content(room, client):
    r = room()
    public_id = admit(r)
    stem = client.get(f"/api/v1/attempts/{public_id}/items/1").json["stem"]
    for url in (f"/proctor/sessions/{r.session}", seat_url(r), f"/api/v1/proctor/sessions/{r.session}/console"):
        assert stem not in r.browser.get(url).get_data(as_text=True)


def test_check_in_asks_for_a_matching_photo_id_before_admission(app, db, room):
    r = room()
    refused = r.browser.submit(seat_url(r, "/admit"), {}, follow_redirects=True)
    assert "Check the candidate&#39;s ID and mark them present" in refused.get_data(as_text=True)
    assert attempt_of(r) is None
    from lms.exam.models import Booking

    assert "The name on the ID must match the application" in \
        check_in(r, follow=True, name_matches="").get_data(as_text=True)
    assert "Enter the last 2 to 4 letters or digits" in \
        check_in(r, follow=True, id_last="48211").get_data(as_text=True)   # never the whole number
    with app.app_context():
        assert db.session.get(Booking, r.booking).checkin is None
    check_in(r)
    with app.app_context():
        booking = db.session.get(Booking, r.booking)
        assert (booking.checkin, booking.id_type, booking.id_last, booking.name_matches) == \
            ("present", "driver_license", "4821", True)
    assert r.browser.submit(seat_url(r, "/admit"), {}).status_code == 302
    assert attempt_of(r) is not None


def test_an_absent_candidate_or_a_refused_id_cannot_be_admitted(app, db, room):
    r = room()
    check_in(r, outcome="no_show")
    r.browser.submit(seat_url(r, "/admit"), {})
    assert attempt_of(r) is None
    console = r.browser.get(f"/api/v1/proctor/sessions/{r.session}/console").json
    assert console["candidates"][0]["state"] == "no_show" and console["counts"] == {"no_show": 1}


def test_online_the_candidate_enters_the_code_once_checked_in(app, db, client, room):
    from lms.exam.models import ExamSession

    r = room(mode="online")
    with app.app_context():
        code = db.session.get(ExamSession, r.session).admission_code
    assert code in r.browser.get(f"/proctor/sessions/{r.session}").get_data(as_text=True)
    url = f"/exam/bookings/{r.booking}/admission"
    early = client.submit(url, {"code": code}, follow_redirects=True).get_data(as_text=True)
    assert "Your proctor has not checked your ID yet" in early and attempt_of(r) is None
    check_in(r)
    wrong = client.submit(url, {"code": "WRONG123"}, follow_redirects=True).get_data(as_text=True)
    assert "That admission code is not right" in wrong and attempt_of(r) is None
    started = client.submit(url, {"code": code.lower()[:4] + " " + code.lower()[4:]})
    public_id = attempt_of(r)
    assert public_id and started.headers["Location"].endswith(f"/exam/attempts/{public_id}")


def test_staff_assign_proctors_and_a_lead(app, db, room, create_user, new_client):
    from lms.exam.models import SessionProctor

    from ..conftest import sign_in

    r = room()
    second = create_user(Role.PROCTOR, name="Sam Second")
    staff = new_client()
    sign_in(staff, create_user(Role.ADMIN).email)
    assert "Pat Proctor" in staff.get(f"/staff/exam/sessions/{r.session}").get_data(as_text=True)
    staff.submit(f"/staff/exam/sessions/{r.session}/proctors", {"proctors": [str(r.proctor.id), str(second.id)],
                                                                 "lead": str(second.id)})
    with app.app_context():
        rows = {p.user_id: p.lead for p in db.session.scalars(select(SessionProctor)
                                                              .where(SessionProctor.session_id == r.session))}
    assert rows == {r.proctor.id: False, second.id: True}
