"""In a real browser: a proctor runs an online session in Arabic (right to left) while a candidate sits it in
Spanish: check-in, admission by code, a pause and an extension the candidate sees, an incident, the report.

Needs Chromium at /usr/bin/chromium and Playwright (tests/test_browser.py's fixtures); without them it skips.
"""
from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest

from tests.test_browser import CHROMIUM, SHOTS, _violations, browser, server, server_app  # noqa: F401  (fixtures)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(),
                       reason=f"no Chromium at {CHROMIUM}: run `apt-get install -y chromium` to enable browser tests"),
]

PASSWORD = "proctoring in a browser"
FAST = {"heartbeat_interval_seconds": 2, "paused_poll_seconds": 1, "console_refresh_seconds": 1}


def _people(app):
    """An online session starting now, run by an Arabic-speaking lead proctor; a Spanish-speaking candidate
    booked in it. Returns (proctor email, candidate email, session id, booking id)."""
    from lms.accounts.models import RoleGrant, User
    from lms.accounts.services import hash_password
    from lms.core.clock import now
    from lms.core.roles import Role
    from lms.exam.models import Booking, ExamSession, SessionProctor
    from lms.extensions import db

    from ..exam.conftest import approved_application

    with app.app_context():
        at = now()
        proctor = User(email="lead-proctor@example.org", name="Layla Proctor", locale="ar",
                       password_hash=hash_password(PASSWORD))
        proctor.grants.append(RoleGrant(role=Role.PROCTOR))
        candidate = User(email="online-candidate@example.org", name="Rosa Candidata", locale="es",
                         password_hash=hash_password(PASSWORD))
        candidate.grants.append(RoleGrant(role=Role.TRAINEE))
        db.session.add_all([proctor, candidate])
        db.session.flush()
        application = approved_application(db, candidate.id, at, legal_name="Rosa Candidata")
        session = ExamSession(mode="online", starts_at=at + timedelta(minutes=5), location="", capacity=20,
                              languages=["es", "ar"])
        booking = Booking(session=session, user_id=candidate.id, language="es", status="booked", booked_at=at,
                          application=application)
        db.session.add_all([session, booking, SessionProctor(session=session, user_id=proctor.id, lead=True)])
        db.session.commit()
        return proctor.email, candidate.email, session.id, booking.id


def _sign_in(page, server, email):  # noqa: F811
    page.goto(server + "/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()


def _act(page, server, seat, action, reason, note, minutes=None):  # noqa: F811
    page.goto(seat)
    page.check(f"#action-{action}")
    if minutes is not None:
        page.fill("#minutes", str(minutes))
    page.select_option("#reason", reason)
    page.fill("#note", note)
    with page.expect_navigation():
        page.locator("#act button[type=submit]").click()


def _exam_page(page) -> str:
    return page.evaluate("JSON.parse(document.getElementById('exam-config').textContent).page")


def test_a_proctor_runs_an_online_session_the_candidate_sees_the_pause_and_the_extension(
        server, browser):  # noqa: F811
    from flask_babel import force_locale, gettext
    from playwright.sync_api import expect

    from lms.exam.models import ExamSession
    from lms.extensions import db

    app = server_app["app"]
    saved_policy = app.config.get("POLICY")
    app.config["POLICY"] = {**(saved_policy or {}), **FAST}
    # The proctor's browser is in the installation's time zone, as the incident form's local time assumes.
    proctor_context = browser.new_context(timezone_id="America/Los_Angeles")
    candidate_context = browser.new_context()
    try:
        proctor_email, candidate_email, session_id, booking_id = _people(app)
        console_url = f"{server}/proctor/sessions/{session_id}"
        seat_url = f"{console_url}/seats/{booking_id}"
        with app.test_request_context():
            with force_locale("ar"):
                paused_label, present_label = gettext("Paused"), gettext("Mark present")
            with force_locale("es"):
                paused_heading = gettext("Exam paused")
            code = db.session.get(ExamSession, session_id).admission_code

        proctor, candidate = proctor_context.new_page(), candidate_context.new_page()
        errors = []
        for page in (proctor, candidate):
            page.on("pageerror", lambda error: errors.append(str(error)))

        # The proctor's console, in Arabic: right to left, the code to read out, the candidate not checked in.
        _sign_in(proctor, server, proctor_email)
        proctor.goto(console_url)
        assert proctor.locator("html").get_attribute("dir") == "rtl"
        expect(proctor.locator(".admission-code")).to_have_text(code)
        assert _violations(proctor) == []

        # Check-in: the ID's type, the name matching the application, its last characters.
        proctor.goto(seat_url)
        proctor.select_option("#id_type", "passport")
        proctor.check("#name_matches")
        proctor.fill("#id_last", "5Z12")
        assert _violations(proctor) == []
        with proctor.expect_navigation():
            proctor.locator("button[name=outcome][value=present]", has_text=present_label).click()

        # The candidate, in Spanish, enters the code the proctor reads out and starts on question 1.
        _sign_in(candidate, server, candidate_email)
        candidate.goto(f"{server}/exam/")
        candidate.fill(f"#code-{booking_id}", code.lower())
        with candidate.expect_navigation():
            candidate.locator(f"#code-{booking_id}").press("Enter")
        assert re.search(r"/exam/attempts/\w+$", candidate.url) and _exam_page(candidate) == "item"
        assert candidate.locator("html").get_attribute("lang") == "es"
        clock = candidate.locator(".exam-clock__value")
        expect(clock).to_have_text(re.compile(r"^2:(30:00|29:[0-5]\d)$"))

        # A pause: the candidate's page turns to the paused page by itself; the console shows it too.
        proctor.goto(console_url)
        _act(proctor, server, seat_url, "pause", "environment", "إنذار حريق تجريبي في المبنى.")
        expect(candidate.locator("h1")).to_have_text(paused_heading, timeout=10_000)
        stopped = clock.inner_text()
        proctor.goto(console_url)
        expect(proctor.locator(f'tr[data-booking="{booking_id}"] [data-field=state]')).to_have_text(paused_label)
        candidate.screenshot(path=str(SHOTS / "proctoring-paused-es.png"))
        assert clock.inner_text() == stopped

        # Resume, then 15 more minutes: the candidate is back on the question and the clock shows the time.
        _act(proctor, server, seat_url, "resume", "environment", "انتهى الإنذار.")
        expect(candidate.locator("fieldset.question")).to_be_visible(timeout=10_000)
        _act(proctor, server, seat_url, "extend", "technical", "توقف الاتصال بالإنترنت دقيقتين.", minutes=15)
        expect(clock).to_have_text(re.compile(r"^2:(45:00|44:[0-5]\d)$"), timeout=10_000)
        candidate.reload()
        expect(candidate.locator("p.notice[role=status]")).to_be_visible()

        # An incident, then the report with both actions, in Arabic, signed off once the exam has ended.
        proctor.goto(f"{console_url}/incidents")
        proctor.select_option("#category", "environment")
        proctor.fill("#occurred_at", proctor.evaluate(
            "(() => { const d = new Date(Date.now() - 60000); d.setMinutes(d.getMinutes() - d.getTimezoneOffset());"
            " return d.toISOString().slice(0, 16); })()"))
        proctor.select_option("#booking", str(booking_id))
        proctor.fill("#description", "إنذار حريق تجريبي لمدة دقيقتين؛ بقيت المرشحة في مكانها.")
        with proctor.expect_navigation():
            proctor.locator("form.card button[type=submit]").click()
        assert proctor.locator("table td", has_text="إنذار حريق تجريبي لمدة دقيقتين").count() == 1
        proctor.goto(f"{console_url}/report")
        for note in ("إنذار حريق تجريبي في المبنى.", "انتهى الإنذار.", "توقف الاتصال بالإنترنت دقيقتين."):
            assert proctor.locator("td", has_text=note).count() == 1
        assert _violations(proctor) == []
        proctor.screenshot(path=str(SHOTS / "proctoring-report-ar.png"), full_page=True)
        assert errors == []
    finally:
        app.config["POLICY"] = saved_policy
        proctor_context.close()
        candidate_context.close()
