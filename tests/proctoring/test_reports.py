"""Incidents, the session report (page, CSV, PDF), the lead's sign-off, and the console as seats grow."""
from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import event

from lms.core.roles import Role

from ..conftest import needs_weasyprint
from .conftest import act, admit, check_in

PACIFIC = ZoneInfo("America/Los_Angeles")   # the installation's default time zone


def test_an_incident_needs_each_field_and_staff_review_it(app, db, clock, room, create_user, new_client):
    from ..conftest import sign_in

    r = room()
    url = f"/proctor/sessions/{r.session}/incidents"
    page = r.browser.submit(url, {"category": "", "occurred_at": "", "description": ""}).get_data(as_text=True)
    for message in ("Choose a category.", "Enter when it happened.", "Describe what happened."):
        assert message in page
    assert 'aria-describedby="description-error"' in page
    future = (clock() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    assert "The time cannot be in the future." in r.browser.submit(
        url, {"category": "technical", "occurred_at": future, "description": "x"}).get_data(as_text=True)
    when = (clock() - timedelta(hours=1)).astimezone(PACIFIC).strftime("%Y-%m-%dT%H:%M")   # the form's time zone
    done = r.browser.submit(url, {"category": "environment", "occurred_at": when, "booking": str(r.booking),
                                  "description": "Fire alarm test at 10:05; candidates stayed seated.",
                                  "follow_up": "Ask the building to warn us next time."}, follow_redirects=True)
    assert "The incident is reported." in done.get_data(as_text=True)
    client = new_client()
    sign_in(client, create_user(Role.ADMIN).email)
    listed = client.get("/staff/incidents").get_data(as_text=True)
    assert "Fire alarm test at 10:05" in listed
    from lms.proctoring.models import Incident
    with app.app_context():
        incident_id = db.session.query(Incident.id).scalar()
    assert "Write what you decided" in client.submit(f"/staff/incidents/{incident_id}/review", {"note": ""},
                                                     follow_redirects=True).get_data(as_text=True)
    client.submit(f"/staff/incidents/{incident_id}/review", {"note": "Building manager informed."})
    assert "Fire alarm test" not in client.get("/staff/incidents").get_data(as_text=True)
    assert "Building manager informed." in client.get("/staff/incidents?show=all").get_data(as_text=True)


def test_the_report_lists_attendance_actions_and_incidents_and_only_the_lead_signs_it(
        app, db, client, clock, room, proctor):
    r = room()
    public_id = admit(r)
    act(r, "pause", note="Restroom break requested.", reason="candidate_request")
    act(r, "resume", note="Back at the seat.", reason="candidate_request")
    report = r.browser.get(f"/proctor/sessions/{r.session}/report").get_data(as_text=True)
    for text in ("Test Candidate", "Driver's license", "Restroom break requested.", "Back at the seat.",
                 "Not signed off yet."):
        assert text in report
    csv = r.browser.get(f"/proctor/sessions/{r.session}/report.csv")
    assert csv.mimetype == "text/csv"
    lines = csv.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines[0].startswith("Record,Candidate,Status") and sum(line.startswith("Action,") for line in lines) == 2
    _helper, assistant = proctor(r.session, lead=False)
    assert assistant.submit(f"/proctor/sessions/{r.session}/sign-off", {}, follow_redirects=True).status_code == 200
    early = r.browser.submit(f"/proctor/sessions/{r.session}/sign-off", {}, follow_redirects=True)
    assert "Some candidates are still taking the exam" in early.get_data(as_text=True)
    client.submit(f"/exam/attempts/{public_id}/submit", {"confirm": "1"})
    signed = r.browser.submit(f"/proctor/sessions/{r.session}/sign-off", {"note": "Quiet session."},
                              follow_redirects=True).get_data(as_text=True)
    assert "The session report is signed off." in signed and "Signed off by Pat Proctor" in signed
    assert "Sign off the report" not in signed


def test_only_the_lead_may_sign_off(app, db, room, proctor):
    r = room()
    _helper, assistant = proctor(r.session, lead=False)
    page = assistant.submit(f"/proctor/sessions/{r.session}/sign-off", {}, follow_redirects=True)
    assert "Only the session&#39;s lead proctor can sign off the report." in page.get_data(as_text=True)


@needs_weasyprint
def test_the_report_pdf_is_a_pdf(room):
    r = room()
    check_in(r)
    response = r.browser.get(f"/proctor/sessions/{r.session}/report.pdf")
    assert response.mimetype == "application/pdf" and response.data.startswith(b"%PDF")


def test_the_console_marks_a_candidate_without_contact_and_its_queries_do_not_grow_with_seats(
        app, db, client, clock, room, create_user):
    from lms.exam.models import Booking
    from lms.exam.sitting import admit as start

    import jsonschema

    r = room()
    admit(r)
    clock.advance(seconds=30)
    document = r.browser.get("/api/v1/openapi.json").json
    body = r.browser.get(f"/api/v1/proctor/sessions/{r.session}/console").json
    jsonschema.validate(body, document["components"]["schemas"]["Console"])
    seat = body["candidates"][0]
    assert seat["state"] == "in_progress" and seat["last_contact_seconds"] == 30 and not seat["disconnected"]
    clock.advance(minutes=2)
    seat = r.browser.get(f"/api/v1/proctor/sessions/{r.session}/console").json["candidates"][0]
    assert seat["disconnected"] is True
    assert "No contact for 2 min" in r.browser.get(f"/proctor/sessions/{r.session}").get_data(as_text=True)

    def statements() -> int:
        count = []
        with app.app_context():
            engine = db.engine
        listener = lambda *args: count.append(1)  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            assert r.browser.get(f"/api/v1/proctor/sessions/{r.session}/console").status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        return len(count)

    few = statements()
    with app.app_context():
        from lms.exam.models import ExamSession
        session = db.session.get(ExamSession, r.session)
        session.capacity = 20
        for n in range(8):
            person = create_user(Role.TRAINEE, name=f"Seat {n}")
            booking = Booking(session=session, user_id=person.id, language="es", status="booked", booked_at=clock(),
                              checkin="present")
            db.session.add(booking)
            db.session.flush()
            if n % 2:
                start(booking, clock())
        db.session.commit()
    assert statements() == few


def test_the_console_only_reads_and_shows_an_exam_whose_time_ran_out_as_ended(app, db, clock, room):
    from lms.exam.models import Attempt

    r = room()
    public_id = admit(r)
    clock.advance(minutes=151)   # the candidate's browser never came back
    seat = r.browser.get(f"/api/v1/proctor/sessions/{r.session}/console").json["candidates"][0]
    assert seat["state"] == "expired" and seat["remaining_seconds"] is None
    with app.app_context():   # nothing was written: the sweeper or the candidate's next request closes it
        assert db.session.query(Attempt.state).filter(Attempt.public_id == public_id).scalar() == "in_progress"
    assert act(r, "reopen", minutes=10).status_code == 200   # the action sees it as ended too
