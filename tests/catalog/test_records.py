"""Completion, staff corrections, live attendance and the refresher gate: all through the ledger."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from lms.catalog.models import CreditEntry, CreditSource, Enrollment, EnrollmentStatus, LiveSession, Module
from lms.core.audit import AuditEvent
from lms.core.roles import Role

from ..conftest import sign_in


def _enrol(client, course) -> int:
    home = client.submit(f"/courses/{course.offering_id}/enrol").headers["Location"]
    return int(home.rstrip("/").split("/")[-1])


def _status(app, enrollment_id):
    from lms.extensions import db

    with app.app_context():
        return db.session.get(Enrollment, enrollment_id).status


def _module_id(app, course):
    from lms.extensions import db

    with app.app_context():
        return db.session.scalar(select(Module.id).where(Module.version_id == course.version_id))


@pytest.fixture
def staff_client(new_client, create_user):
    staff = new_client()
    sign_in(staff, create_user(Role.ADMIN).email)
    return staff


def test_a_course_completes_with_its_minutes_and_its_check(app, client, staff_client, login_as, offered):
    course = offered()  # one module: min 90 minutes, course requires 100
    login_as(Role.TRAINEE)
    enrollment_id = _enrol(client, course)
    module_id = _module_id(app, course)
    client.submit(f"/learn/{enrollment_id}/modules/{module_id}/check", {"q-q1": "b", "q-q2": "b", "q-q3": "b"})
    assert _status(app, enrollment_id) == EnrollmentStatus.ACTIVE  # passed, but no time yet
    staff_client.submit(f"/admin/enrollments/{enrollment_id}/adjustments",
                        {"module": module_id, "minutes": "95", "reason": "paper sign-in sheet, 3 May"})
    assert _status(app, enrollment_id) == EnrollmentStatus.ACTIVE  # module done, course total 95 < 100
    staff_client.submit(f"/admin/enrollments/{enrollment_id}/adjustments",
                        {"module": module_id, "minutes": "5", "reason": "second sheet"})
    assert _status(app, enrollment_id) == EnrollmentStatus.COMPLETED


def test_corrections_need_a_reason_are_audited_and_never_go_below_zero(app, db, client, staff_client, login_as, offered):
    course = offered()
    login_as(Role.TRAINEE)
    enrollment_id = _enrol(client, course)
    module_id = _module_id(app, course)
    url = f"/admin/enrollments/{enrollment_id}/adjustments"
    page = staff_client.submit(url, {"module": module_id, "minutes": "30", "reason": ""}, follow_redirects=True)
    assert "Give a reason" in page.get_data(as_text=True)
    page = staff_client.submit(url, {"module": module_id, "minutes": "-10", "reason": "typo"}, follow_redirects=True)
    assert "cannot take a module below zero" in page.get_data(as_text=True)
    staff_client.submit(url, {"module": module_id, "minutes": "30", "reason": "makeup session"})
    with app.app_context():
        entry = db.session.scalar(select(CreditEntry))
        assert (entry.source, entry.seconds, entry.evidence["reason"]) == (CreditSource.ADJUSTMENT, 1800, "makeup session")
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "credit.adjusted"))
        assert event.reason == "makeup session" and event.data["minutes"] == 30


@pytest.fixture
def instructor_setup(app, db, new_client, create_user, offered, client, login_as):
    """A course offered by a provider, an instructor of that provider, and one enrolled trainee."""
    from lms.catalog.models import Offering

    course = offered()
    with app.app_context():
        provider_id = db.session.get(Offering, course.offering_id).provider_id
    from lms.providers.models import Provider

    with app.app_context():
        provider = db.session.get(Provider, provider_id)
        db.session.expunge(provider)
    instructor = new_client()
    sign_in(instructor, create_user(Role.INSTRUCTOR, provider=provider).email)
    login_as(Role.TRAINEE)
    course.enrollment_id = _enrol(client, course)
    course.instructor = instructor
    return course


def test_instructor_schedules_a_session_and_attendance_is_credited(app, db, instructor_setup):
    course, instructor = instructor_setup, instructor_setup.instructor
    created = instructor.submit(f"/provider/offerings/{course.offering_id}/sessions",
                                {"lesson": course.live, "date": "2026-12-03", "time": "09:30", "location": "Room 4"})
    assert created.status_code == 302
    with app.app_context():
        session = db.session.scalar(select(LiveSession))
        assert session.duration_minutes == 40 and session.starts_at.hour == 17  # 9:30 in California is 17:30 UTC
    url = f"/provider/sessions/{session.id}/attendance"
    assert "Test Person" in instructor.get(url).get_data(as_text=True)
    e = course.enrollment_id
    instructor.submit(url, {f"status-{e}": "present", f"minutes-{e}": "40"})
    instructor.submit(url, {f"status-{e}": "present", f"minutes-{e}": "25"})  # arrived late: a correction
    with app.app_context():
        rows = db.session.scalars(select(CreditEntry.seconds).order_by(CreditEntry.id)).all()
        assert rows == [2400, -900]  # the ledger keeps both; the total is what is credited now
        assert db.session.scalar(select(func.sum(CreditEntry.seconds))) == 1500
    instructor.submit(url, {f"status-{e}": "absent"})
    with app.app_context():
        assert db.session.scalar(select(func.sum(CreditEntry.seconds))) == 0


def test_attendance_minutes_outside_the_session_are_refused(app, db, instructor_setup):
    course, instructor = instructor_setup, instructor_setup.instructor
    instructor.submit(f"/provider/offerings/{course.offering_id}/sessions",
                      {"lesson": course.live, "date": "2026-12-03", "time": "09:30"})
    with app.app_context():
        session_id = db.session.scalar(select(LiveSession.id))
    e = course.enrollment_id
    page = instructor.submit(f"/provider/sessions/{session_id}/attendance",
                             {f"status-{e}": "present", f"minutes-{e}": "500"})
    assert "Minutes present must be between 0 and 40." in page.get_data(as_text=True)
    assert 'value="500"' in page.get_data(as_text=True)  # what was typed is still there


def test_instructors_of_another_provider_see_nothing(app, db, new_client, create_user, instructor_setup):
    course = instructor_setup
    course.instructor.submit(f"/provider/offerings/{course.offering_id}/sessions",
                             {"lesson": course.live, "date": "2026-12-03", "time": "09:30"})
    with app.app_context():
        session_id = db.session.scalar(select(LiveSession.id))
    outsider = new_client()
    sign_in(outsider, create_user(Role.INSTRUCTOR).email)  # instructor at a different provider
    assert outsider.get(f"/provider/offerings/{course.offering_id}/sessions").status_code == 404
    assert outsider.get(f"/provider/sessions/{session_id}/attendance").status_code == 404
    assert outsider.submit(f"/provider/sessions/{session_id}/attendance", {}).status_code == 404
    assert f"/provider/offerings/{course.offering_id}/" not in outsider.get("/provider/offerings").get_data(as_text=True)


def test_refresher_needs_staff_permission(app, client, staff_client, login_as, offered):
    policy_refresher = offered(slug="refresher", kind="refresher", required=100,
                               policy={**__import__("lms.core.policy", fromlist=["DEFAULTS"]).DEFAULTS,
                                       "refresher_minutes": 100, "core_competency_count": 1})
    person = login_as(Role.TRAINEE)
    refused = client.submit(f"/courses/{policy_refresher.offering_id}/enrol", follow_redirects=True)
    assert "lapsed less than four years ago" in refused.get_data(as_text=True)
    staff_client.submit(f"/admin/users/{person.id}/refresher", {"reason": "lapsed in 2024, certificate seen"})
    assert "/learn/" in client.submit(f"/courses/{policy_refresher.offering_id}/enrol").headers["Location"]
