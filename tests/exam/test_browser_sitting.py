"""In a real browser: the exam player saves each choice at once, keeps saves through a lost connection and
sends them in order when it returns, counts the server's time down and announces the last minutes.

Needs Chromium at /usr/bin/chromium and Playwright (see tests/test_browser.py, whose server and browser
fixtures these tests share); without them they skip.
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

PASSWORD = "sitting in a browser"
SAVE = "/answers"


def _candidate(app, language: str, **accommodations) -> tuple[str, str]:
    """A trainee with an approved application and extra time x1.5, booked and admitted; (email, attempt id)."""
    from lms.accounts.models import RoleGrant, User
    from lms.accounts.services import hash_password
    from lms.core.clock import now
    from lms.core.roles import Role
    from lms.exam.models import Booking, ExamSession
    from lms.exam.sitting import admit
    from lms.extensions import db

    from .conftest import approve_accommodations, approved_application

    with app.app_context():
        at = now()
        user = User(email=f"sitting-{language}@example.org", name="Sam Sitter", locale=language,
                    password_hash=hash_password(PASSWORD))
        user.grants.append(RoleGrant(role=Role.TRAINEE, provider_id=None))
        db.session.add(user)
        db.session.flush()
        application = approved_application(db, user.id, at)
        approve_accommodations(db, application, at - timedelta(days=40),
                               {"extra_time": {"multiplier": 1.5}, **accommodations})
        session = ExamSession(mode="center", starts_at=at + timedelta(minutes=5), location="Sacramento", capacity=10,
                              languages=[language])
        booking = Booking(session=session, user_id=user.id, language=language, status="booked", booked_at=at,
                          application=application)
        db.session.add_all([session, booking])
        db.session.flush()
        attempt = admit(booking, at)
        db.session.commit()
        return user.email, attempt.public_id


def _attempt(public_id):
    from sqlalchemy import select

    from lms.exam.models import Attempt
    from lms.extensions import db

    return db.session.scalars(select(Attempt).where(Attempt.public_id == public_id)).one()


def _sign_in(page, server, email: str) -> None:  # noqa: F811
    page.goto(server + "/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()


def _config(page) -> dict:
    return page.evaluate("JSON.parse(document.getElementById('exam-config').textContent)")


def _waiting(page, public_id) -> list:
    """The saves this device still has to send."""
    return page.evaluate("key => (JSON.parse(localStorage.getItem(key) || '{}').queue || [])", f"lms-exam:{public_id}")


def _choose(page, n: int) -> str:
    """Choose the n-th option on the page; returns its opaque id once the autosave has been applied."""
    radio = page.locator("fieldset.question input[type=radio]").nth(n)
    with page.expect_response(lambda r: r.url.endswith(SAVE) and r.request.method == "POST") as saved:
        radio.check()
    assert saved.value.status == 200 and saved.value.json()["applied"] is True
    return radio.get_attribute("value")


def _go(page, where: str) -> None:
    with page.expect_navigation():
        page.locator(f"button[name=go][value={where}]").click()


@pytest.mark.parametrize("language, direction", [("es", "ltr"), ("ar", "rtl")])
def test_candidate_sits_with_autosave_through_a_lost_connection_and_hears_the_time(
        server, browser, language, direction):  # noqa: F811
    from playwright.sync_api import expect

    from lms.core.clock import now
    from lms.exam import sitting
    from lms.extensions import db

    app = server_app["app"]
    # In Arabic the candidate also has breaks that stop the clock, so the item page's break button is audited.
    email, public_id = _candidate(app, language, **({"breaks_stop_clock": {"count": 1}} if language == "ar" else {}))
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    _sign_in(page, server, email)
    page.goto(f"{server}/exam/attempts/{public_id}")
    assert page.locator("html").get_attribute("dir") == direction
    assert page.locator("fieldset.question").get_attribute("dir") == direction
    text = _config(page)["text"]
    status, clock = page.locator("#exam-status"), page.locator(".exam-clock__value")
    # 150 minutes x 1.5, counting down on the page.
    expect(clock).to_have_text(re.compile(r"^3:(45:00|44:[0-5]\d)$"))

    chosen = {0: _choose(page, 1)}
    expect(status).to_have_text(text["saved"])
    expect(page.locator("[data-exam-answered]")).to_have_text(text["answered"].replace("{answered}", "1"))
    with page.expect_response(lambda r: r.url.endswith(SAVE)):
        page.check("#flag")
    _go(page, "next")
    chosen[1] = _choose(page, 3)
    _go(page, "next")
    chosen[2] = _choose(page, 0)

    # The connection drops: choices and the flag wait on this device, and the page says so.
    context.set_offline(True)
    expect(status).to_have_text(text["offline"])
    radios = page.locator("fieldset.question input[type=radio]")
    for n in (2, 1, 3):
        radios.nth(n).check()
    page.check("#flag")
    chosen[2] = radios.nth(3).get_attribute("value")
    expect(status).to_have_text(text["offline"])
    waiting = _waiting(page, public_id)
    assert [save["seq"] for save in waiting] == sorted(save["seq"] for save in waiting) and len(waiting) == 4
    # Moving on would need the server: the page keeps the candidate here and says why.
    page.locator("button[name=go][value=next]").click()
    expect(status).to_have_text(text["wait"])
    assert _config(page)["position"] == 3
    page.screenshot(path=str(SHOTS / f"exam-offline-{language}.png"), full_page=False)

    # Back online, the queue drains in order and the server holds every answer. In Spanish the page is
    # closed first, as in a crash: the saves wait on the device and go when the exam page opens again.
    last_save = lambda r: r.url.endswith(SAVE) and r.request.post_data_json["seq"] == waiting[-1]["seq"]  # noqa: E731
    if language == "es":
        page.close()
        context.set_offline(False)
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        with page.expect_response(last_save):
            page.goto(f"{server}/exam/attempts/{public_id}")
        status, clock = page.locator("#exam-status"), page.locator(".exam-clock__value")
        radios = page.locator("fieldset.question input[type=radio]")
        assert radios.nth(3).is_checked() and page.is_checked("#flag")
    else:
        with page.expect_response(last_save):
            context.set_offline(False)
    expect(status).to_have_text(text["saved"])
    assert _waiting(page, public_id) == []
    expect(page.locator("[data-exam-answered]")).to_have_text(text["answered"].replace("{answered}", "3"))
    with app.app_context():
        attempt = _attempt(public_id)
        answers = sitting.answers_by_position(attempt)
        assert {p: sitting.shown_item(attempt, p).chosen for p in chosen} == chosen
        assert answers[0].flagged and not answers[1].flagged and answers[2].flagged
        assert answers[0].seq < answers[1].seq < answers[2].seq == attempt.last_seq == waiting[-1]["seq"]
    _go(page, "next")
    assert _config(page)["position"] == 4

    # Staff leave just over ten minutes: the page's own countdown crosses the mark and it is announced once.
    with app.app_context():
        attempt = _attempt(public_id)
        attempt.running_since, attempt.time_changed_at = now(), now()
        attempt.time_used_seconds = attempt.time_allowed_seconds - 10 * 60 - 4
        db.session.commit()
    page.reload()
    alert = page.locator("#exam-alert")
    expect(clock).to_have_text(re.compile(r"^0:10:0[0-4]$"))
    assert alert.inner_text() == ""
    expect(page.locator("p.notice[role=status]")).to_be_visible()
    if language == "ar":
        expect(page.locator(".exam-break-request button[value=break]")).to_be_visible()
        assert _violations(page) == []
    expect(alert).to_have_text(_config(page)["announcements"][0]["text"], timeout=10_000)
    expect(clock).to_have_text(re.compile(r"^0:(10:00|9:[0-5]\d)$"))
    page.screenshot(path=str(SHOTS / f"exam-ten-minutes-{language}.png"), full_page=False)

    if language == "ar":   # a break on request stops the clock; the page shows it stopped
        with page.expect_navigation():
            page.locator(".exam-break-request button[value=break]").click()
        expect(page.locator(".exam-clock__stopped")).to_be_visible()
        stopped_at = clock.inner_text()
        page.wait_for_timeout(1500)   # long enough for a running clock to show another second
        assert clock.inner_text() == stopped_at
        with page.expect_navigation():
            page.locator("button[name=action][value=end]").click()
        assert _config(page)["running"] is True and page.locator(".exam-clock__stopped").is_hidden()

    # Review and submit: the result page follows.
    _go(page, "review")
    assert page.url.endswith("/review")
    page.check("#confirm")
    with page.expect_navigation():
        page.locator("form[data-exam-flush] button[type=submit]").click()
    assert page.url.endswith(f"/exam/attempts/{public_id}/result")
    with app.app_context():
        attempt = _attempt(public_id)
        assert attempt.state == "submitted" and attempt.result is not None
    assert errors == []
    context.close()


def test_the_page_shows_the_result_when_the_time_runs_out(server, browser):  # noqa: F811
    from lms.core.clock import now
    from lms.extensions import db

    app = server_app["app"]
    email, public_id = _candidate(app, "en")
    context = browser.new_context()
    page = context.new_page()
    _sign_in(page, server, email)
    with app.app_context():
        attempt = _attempt(public_id)
        attempt.running_since, attempt.time_used_seconds = now(), attempt.time_allowed_seconds - 6
        db.session.commit()
    page.goto(f"{server}/exam/attempts/{public_id}")
    assert re.fullmatch(r"0:00:0[1-6]", page.locator(".exam-clock__value").inner_text(timeout=2000))
    page.wait_for_url(f"**/exam/attempts/{public_id}/result", timeout=10_000)
    with app.app_context():
        assert _attempt(public_id).state == "expired"
    context.close()
