"""Loading shipped courses as versions, the catalog, and enrolling."""
from __future__ import annotations

from sqlalchemy import func, select

from lms.catalog.loader import load_course
from lms.catalog.models import CourseVersion, Enrollment, EnrollmentStatus, VersionStatus
from lms.catalog.services import load_shipped
from lms.core.policy import DEFAULTS
from lms.core.roles import Role

from .builders import write


def test_loading_twice_changes_nothing_and_a_change_makes_a_new_version(app, db, offered, login_as, client):
    course = offered()
    login_as(Role.TRAINEE)
    client.submit(f"/courses/{course.offering_id}/enrol")
    with app.app_context():
        assert load_shipped([load_course(course.folder, DEFAULTS)]) == [("mini", "unchanged")]
        write(course.folder / "modules" / "01-one" / "reading.en.md", "## Revised\n\n" + "New words here. " * 200)
        assert load_shipped([load_course(course.folder, DEFAULTS)]) == [("mini", "version 2")]
        db.session.commit()
        versions = db.session.scalars(select(CourseVersion).order_by(CourseVersion.number)).all()
        assert [(v.number, v.status) for v in versions] == [(1, VersionStatus.RETIRED), (2, VersionStatus.APPROVED)]
        enrollment = db.session.scalar(select(Enrollment))
        assert enrollment.offering.version_id == versions[0].id  # the trainee stays on the version they started


def test_catalog_lists_offerings_publicly(client, offered):
    course = offered()
    html = client.get("/courses").get_data(as_text=True)
    assert f"/courses/{course.offering_id}" in html and "Course en" in html
    detail = client.get(f"/courses/{course.offering_id}").get_data(as_text=True)
    assert "Sign in to enrol" in detail and "Hope, recovery and wellness" in detail


def test_enrolling_twice_makes_one_enrolment(app, db, client, login_as, offered):
    course = offered()
    login_as(Role.TRAINEE)
    first = client.submit(f"/courses/{course.offering_id}/enrol")
    second = client.submit(f"/courses/{course.offering_id}/enrol")
    assert first.headers["Location"] == second.headers["Location"]
    with app.app_context():
        assert db.session.scalar(select(func.count(Enrollment.id))) == 1


def test_specialization_needs_the_core_unless_the_setting_relaxes_it(app, client, login_as, offered):
    policy = {**DEFAULTS, "specialization_minutes": 100}
    course = offered(slug="spec", kind="specialization", policy=policy, modules=(("01-family", "family"),),
                     extra="prerequisites: [core]\ncompetencies:\n  - {key: family, title: {en: Family life}}\n")
    login_as(Role.TRAINEE)
    refused = client.submit(f"/courses/{course.offering_id}/enrol", follow_redirects=True)
    assert "Complete the core training before you enrol in this course." in refused.get_data(as_text=True)
    app.config["POLICY"] = {"specialization_requires_core": False}
    try:
        assert "/learn/" in client.submit(f"/courses/{course.offering_id}/enrol").headers["Location"]
    finally:
        app.config["POLICY"] = None


def test_a_closed_offering_refuses_enrolment(app, db, client, login_as, offered):
    from lms.catalog.models import Offering

    course = offered()
    with app.app_context():
        db.session.get(Offering, course.offering_id).enrolment_open = False
        db.session.commit()
    login_as(Role.TRAINEE)
    page = client.submit(f"/courses/{course.offering_id}/enrol", follow_redirects=True)
    assert "Enrolment in this course is closed." in page.get_data(as_text=True)


def test_course_home_and_lessons_belong_to_their_trainee(client, new_client, login_as, create_user, offered):
    course = offered()
    login_as(Role.TRAINEE)
    home = client.submit(f"/courses/{course.offering_id}/enrol").headers["Location"]
    assert client.get(home).status_code == 200
    lesson = client.get(f"{home}/lessons/{course.self_paced}")
    assert lesson.status_code == 200 and "Peers listen first" in lesson.get_data(as_text=True)
    other = new_client()
    intruder = create_user(Role.TRAINEE)
    from ..conftest import sign_in

    sign_in(other, intruder.email)
    assert other.get(home).status_code == 404
    assert other.get(f"{home}/lessons/{course.self_paced}").status_code == 404


def test_lesson_text_is_sanitised(client, login_as, offered):
    course = offered()
    write(course.folder / "unused.md", "")
    from lms.catalog.models import Lesson
    from lms.extensions import db as _db

    with client.application.app_context():
        lesson = _db.session.get(Lesson, course.self_paced)
        lesson.body = {"en": "## Hi\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1)) <img src=x onerror=alert(1)>"}
        _db.session.commit()
    login_as(Role.TRAINEE)
    home = client.submit(f"/courses/{course.offering_id}/enrol").headers["Location"]
    html = client.get(f"{home}/lessons/{course.self_paced}").get_data(as_text=True)
    article = html.split('<article class="lesson-text"')[1].split("</article>")[0]
    assert "<script" not in article and "<img" not in article and 'href="javascript' not in article
    assert "<h2>Hi</h2>" in article
