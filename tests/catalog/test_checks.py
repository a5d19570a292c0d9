"""Knowledge checks (scored, retry allowed, feedback) and reflections (saved, never lost)."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from lms.catalog.models import CheckAttempt, Module, Reflection
from lms.core.roles import Role


@pytest.fixture
def module_page(app, db, client, login_as, offered):
    course = offered()
    login_as(Role.TRAINEE)
    home = client.submit(f"/courses/{course.offering_id}/enrol").headers["Location"]
    with app.app_context():
        module_id = db.session.scalar(select(Module.id).where(Module.version_id == course.version_id))
    return f"{home}/modules/{module_id}"


def test_a_failed_check_shows_feedback_and_can_be_retried(app, db, client, module_page):
    wrong = client.submit(f"{module_page}/check", {"q-q1": "a", "q-q2": "a", "q-q3": "b"})
    html = wrong.get_data(as_text=True)
    assert wrong.status_code == 200 and "You scored 33%" in html
    assert "Why A (en)" in html and "Not quite." in html  # feedback on the chosen options
    right = client.submit(f"{module_page}/check", {"q-q1": "b", "q-q2": "b", "q-q3": "b"})
    assert "You passed with 100%" in right.get_data(as_text=True)
    with app.app_context():
        assert [a.passed for a in db.session.scalars(select(CheckAttempt).order_by(CheckAttempt.id))] == [False, True]
    course_home = module_page.split("/modules/")[0]
    assert "Passed" in client.get(course_home).get_data(as_text=True)


def test_unanswered_questions_keep_the_answers_given(client, module_page):
    response = client.submit(f"{module_page}/check", {"q-q1": "b"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "Answer every question" in html
    assert 'value="b" checked' in html


def test_reflections_are_saved_and_bad_input_loses_nothing(app, db, client, module_page):
    saved = client.submit(f"{module_page}/reflection", {"reflection": "I learned to listen first."},
                          follow_redirects=True)
    assert "Your reflection is saved." in saved.get_data(as_text=True)
    client.submit(f"{module_page}/reflection", {"reflection": "Second thoughts."})
    with app.app_context():
        assert db.session.scalars(select(Reflection.text)).all() == ["Second thoughts."]
    too_long = "x" * 10_001
    refused = client.submit(f"{module_page}/reflection", {"reflection": too_long})
    assert refused.status_code == 400 and too_long in refused.get_data(as_text=True)
