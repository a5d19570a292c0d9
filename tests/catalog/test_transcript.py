"""The trainee's record: per-competency progress, the CSV transcript, and continuing education."""
from __future__ import annotations

import csv
import io

from lms.core.policy import DEFAULTS
from lms.core.roles import Role

from ..conftest import sign_in


def _enrol(client, course) -> int:
    home = client.submit(f"/courses/{course.offering_id}/enrol").headers["Location"]
    return int(home.rstrip("/").split("/")[-1])


def _module_id(app, course):
    from sqlalchemy import select

    from lms.catalog.models import Module
    from lms.extensions import db

    with app.app_context():
        return db.session.scalar(select(Module.id).where(Module.version_id == course.version_id))


def _credit(staff, enrollment_id, module_id, minutes):
    response = staff.submit(f"/admin/enrollments/{enrollment_id}/adjustments",
                            {"module": module_id, "minutes": str(minutes), "reason": "attendance sheet"})
    assert response.status_code == 302


def test_transcript_csv_has_a_row_per_module_with_minutes_by_source(app, client, new_client, create_user,
                                                                     login_as, offered):
    course = offered()
    login_as(Role.TRAINEE)
    enrollment_id = _enrol(client, course)
    staff = new_client()
    sign_in(staff, create_user(Role.ADMIN).email)
    _credit(staff, enrollment_id, _module_id(app, course), 45)
    response = client.get("/trainee/record.csv")
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][0] == "Course" and rows[0][-1] == "Knowledge check passed"
    assert rows[1][0] == "Course en" and rows[1][5] == "Hope, recovery and wellness"
    assert rows[1][6:10] == ["0", "0", "45", "45"] and rows[1][10] == "No"


def test_ce_counts_ce_specialization_and_supervisor_time_in_the_last_two_years(app, client, new_client, create_user,
                                                                               login_as, offered, clock):
    law = offered(slug="law", extra="", required=100)
    from sqlalchemy import update

    from lms.catalog.models import Course
    from lms.extensions import db

    with app.app_context():
        db.session.execute(update(Course).where(Course.slug == "law").values(ce_category="law_ethics"))
        db.session.commit()
    general = offered(slug="wellness", required=100)
    person = login_as(Role.TRAINEE)
    staff = new_client()
    sign_in(staff, create_user(Role.ADMIN).email)
    _credit(staff, _enrol(client, law), _module_id(app, law), 60)
    clock.advance(days=365 * 2 + 30)  # that hour falls out of the two-year window ...
    _credit(staff, _enrol(client, general), _module_id(app, general), 90)  # ... this one is inside it
    html = client.get("/trainee/record").get_data(as_text=True)
    assert "90 of 1,200 minutes" in html
    assert "0 of 360 minutes" in html
    from lms.accounts.models import User
    from lms.catalog.records import ce_summary

    with app.app_context():
        summary = ce_summary(db.session.get(User, person.id))
        assert (summary.seconds, summary.law_ethics_seconds) == (90 * 60, 0)
        assert summary.required_minutes == DEFAULTS["ce_minutes_per_cycle"]


def test_record_page_shows_competency_bars(client, login_as, offered):
    course = offered()
    login_as(Role.TRAINEE)
    _enrol(client, course)
    html = client.get("/trainee/record").get_data(as_text=True)
    assert "Credited time per competency" in html and "<progress" in html and "0 of 90 minutes" in html
