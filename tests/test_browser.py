"""In a real browser: each demo role signs in and sees its home page, in English and in Arabic.

Needs Debian's Chromium at /usr/bin/chromium (`apt-get install -y chromium`); without it these
tests skip and say so. Screenshots are written to build/screenshots/.
"""
from __future__ import annotations

import os
import re
import threading
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("LMS_CHROMIUM", "/usr/bin/chromium")
SHOTS = Path(__file__).resolve().parent.parent / "build" / "screenshots"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(),
                       reason=f"no Chromium at {CHROMIUM}: run `apt-get install -y chromium` to enable browser tests"),
]


server_app: dict = {}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The application as `make run` serves it: migrated SQLite file, demo accounts, a real HTTP server."""
    from flask_migrate import upgrade
    from werkzeug.serving import make_server

    from lms import create_app
    from lms.catalog.loader import load_courses
    from lms.catalog.services import load_shipped
    from lms.core.policy import settings
    from lms.demo import seed
    from lms.extensions import db
    from lms.itembank.loader import EXAM_BANK, load_bank
    from lms.itembank.store import load_files

    folder = tmp_path_factory.mktemp("served")
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'lms.db'}", "DEMO_MODE": True,
                      "SECRET_KEY": "browser-test", "MAIL_OUTBOX_DIR": str(folder / "outbox")})
    with app.app_context():
        upgrade()
        load_shipped(load_courses(Path(__file__).resolve().parent.parent / "courses", settings()))
        load_files(load_bank(EXAM_BANK))
        db.session.commit()
        seed()
    server_app["app"] = app
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        yield chromium
        chromium.close()


DEMO_HOMES = [
    ("trainee@example.org", "/trainee/"),
    ("provider@example.org", "/provider/"),
    ("proctor@example.org", "/proctor/"),
    ("admin@example.org", "/admin/"),
]


@pytest.mark.parametrize("email, home", DEMO_HOMES, ids=[h.strip("/") for _, h in DEMO_HOMES])
def test_demo_role_signs_in_and_sees_home_in_english_and_arabic(server, browser, email, home):
    from lms.demo import DEMO_PASSWORD

    SHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-US")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)

    page.goto(server + "/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.locator("main").get_by_role("button", name="Sign in").click()
    page.wait_for_url(server + home)
    assert page.locator("html").get_attribute("dir") == "ltr"
    role = home.strip("/")
    page.screenshot(path=str(SHOTS / f"{role}-en.png"), full_page=True)

    page.get_by_label("Language").select_option("ar")
    page.get_by_role("button", name="Change language").click()
    page.wait_for_url(server + home)
    html = page.locator("html")
    assert html.get_attribute("lang") == "ar" and html.get_attribute("dir") == "rtl"
    # The layout mirrors: the site name now sits at the right-hand edge.
    brand = page.locator(".brand").bounding_box()
    assert brand["x"] > 1280 / 2
    page.screenshot(path=str(SHOTS / f"{role}-ar.png"), full_page=True)
    assert errors == []  # no script errors, no CSP violations
    context.close()


def test_keyboard_user_can_skip_to_content(server, browser):
    context = browser.new_context()
    page = context.new_page()
    page.goto(server + "/login")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert focused == "skip-link"
    assert page.locator(".skip-link").is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    context.close()


def test_phone_width_has_no_horizontal_scroll(server, browser):
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    page = context.new_page()
    for path in ("/", "/login", "/register"):
        page.goto(server + path)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), path
    page.screenshot(path=str(SHOTS / "register-phone.png"), full_page=True)
    context.close()


AXE_RULES = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
             "resultTypes": ["violations"]}


def _violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options=AXE_RULES)
    return [f"{v['id']}: {[n['target'] for n in v['nodes']][:3]}" for v in results.response["violations"]]


@pytest.mark.parametrize("locale", ["en", "ar"])
def test_pages_pass_an_automated_wcag_audit(server, browser, locale):
    """axe-core finds no WCAG 2.1 A/AA violation on the pages each role sees, in English and Arabic."""
    pytest.importorskip("axe_playwright_python")
    from lms.demo import DEMO_PASSWORD

    context = browser.new_context()
    context.add_cookies([{"name": "lms_locale", "value": locale, "url": server}])
    page = context.new_page()
    found = {}
    for path in ("/", "/login", "/register", "/password/forgot", "/no-such-page", "/verify", "/verify/AAAA-BBBB-CCCC-DDDD",
                 "/registry", "/registry?q=no+one"):
        page.goto(server + path)
        found[path] = _violations(page)
    for email, home in DEMO_HOMES:
        page.goto(server + "/login")
        page.fill("#email", email)
        page.fill("#password", DEMO_PASSWORD)
        page.locator("main button[type=submit]").click()
        page.wait_for_url(server + home)
        paths = [home, "/account", "/account/password"]
        if home == "/admin/":
            paths += ["/admin/users", "/admin/users/new", "/admin/users/1", "/admin/providers", "/admin/audit",
                      "/admin/users/1/training", "/staff/bank/", "/staff/bank/?flag=flagged", "/staff/bank/new",
                      "/staff/bank/items/PSS-01-001", "/staff/bank/items/PSS-01-001/variants/fa",
                      "/staff/bank/items/PSS-01-001/versions/1", "/staff/bank/statistics", "/staff/bank/statistics/1",
                      "/staff/exam/sessions", "/staff/exam/sessions/1", "/proctor/sessions/1",
                      "/proctor/sessions/1/incidents", "/proctor/sessions/1/report", "/staff/incidents",
                      "/staff/certifications", "/staff/renewals"]
        if home == "/trainee/":
            paths += ["/courses", "/courses/1", "/trainee/record", "/exam/", "/certification"]
        if home == "/proctor/":
            paths += ["/proctor/sessions/1", "/proctor/sessions/1/incidents", "/proctor/sessions/1/report"]
        if home == "/provider/":
            paths += ["/provider/offerings", "/provider/offerings/1/sessions"]
        for path in paths:
            page.goto(server + path)
            found[f"{email} {path}"] = _violations(page)
        page.locator("header form.inline-form button").click()
    context.close()
    assert {where: v for where, v in found.items() if v} == {}


def _sign_in_in_english(page, server, email):
    """Sign in, then choose English: the demo account may have saved another language earlier."""
    from lms.demo import DEMO_PASSWORD

    page.goto(server + "/login")
    page.fill("#email", email)
    page.fill("#password", DEMO_PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()
    page.select_option("#language-select", "en")
    page.locator(".language-switcher button").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"


def _core_offering(app):
    from sqlalchemy import select

    from lms.catalog.models import Course, CourseVersion, Offering
    from lms.extensions import db

    with app.app_context():
        offering = db.session.scalar(select(Offering).join(CourseVersion).join(Course)
                                     .where(Course.slug == "core", Offering.language == "en"))
        first = offering.version.modules[0]
        return offering.id, first.id, {q.key: q.answer for q in first.questions}


def test_trainee_takes_a_lesson_and_passes_a_knowledge_check(server, browser):
    offering_id, module_id, answers = _core_offering(server_app["app"])
    context = browser.new_context()
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    _sign_in_in_english(page, server, "trainee@example.org")
    page.goto(server + "/trainee/")
    page.get_by_role("link", name="Find a course").click()
    page.locator(f"a[href='/courses/{offering_id}']").first.click()
    page.get_by_role("button", name="Enrol in this course").click()
    page.wait_for_url("**/learn/*")
    enrollment_url = page.url

    # The first self-paced lesson: its text renders and the page starts the seat-time clock.
    with page.expect_response(lambda r: r.url.endswith("/heartbeat") and r.request.method == "POST") as beat:
        page.locator(".lesson-list a").first.click()
    assert beat.value.status == 200 and beat.value.json()["replayed"] is False
    assert len(page.locator("article.lesson-text").inner_text().split()) >= 600
    assert page.locator("#seat-time").is_visible()
    page.screenshot(path=str(SHOTS / "lesson-en.png"), full_page=False)

    # Its knowledge check: every answer right.
    page.goto(f"{enrollment_url}/modules/{module_id}")
    for key, option in answers.items():
        page.check(f"#q-{key}-{option}")
    page.get_by_role("button", name="Check my answers").click()
    assert "You passed with 100%" in page.locator("main").inner_text()
    page.goto(enrollment_url)
    assert page.locator(".badge").first.inner_text() == "Passed"
    assert errors == []
    context.close()


def test_learning_pages_pass_the_wcag_audit(server, browser):
    pytest.importorskip("axe_playwright_python")
    offering_id, module_id, _answers = _core_offering(server_app["app"])
    context = browser.new_context()
    page = context.new_page()
    _sign_in_in_english(page, server, "trainee@example.org")
    page.goto(f"{server}/courses/{offering_id}")
    if page.get_by_role("button", name="Enrol in this course").count():
        page.get_by_role("button", name="Enrol in this course").click()
    else:
        page.get_by_role("link", name="Continue this course").click()
    page.wait_for_url("**/learn/*")
    home = page.url
    found = {"course home": _violations(page)}
    page.locator(".lesson-list a").first.click()
    found["lesson"] = _violations(page)
    page.goto(f"{home}/modules/{module_id}")
    found["module"] = _violations(page)
    context.close()
    assert {where: v for where, v in found.items() if v} == {}


def test_staff_apply_a_calibration_and_edit_a_translation_side_by_side(server, browser):
    """A psychometrician applies the pilot's parameters and sees the curves; a writer edits the Farsi text."""
    page = browser.new_page()
    _sign_in_in_english(page, server, "admin@example.org")
    page.goto(server + "/staff/bank/statistics/1")
    page.get_by_role("button", name="Apply the parameters to the bank").click()
    page.wait_for_load_state()
    assert "Parameters applied to" in page.locator(".flash--success").inner_text()
    page.goto(server + "/staff/bank/statistics")
    assert page.locator("figure.chart svg path.chart__line").count() >= 1
    page.screenshot(path=str(SHOTS / "bank-test-information.png"), full_page=True)
    page.goto(server + "/staff/bank/items/PSS-01-002")
    assert page.locator("figure.chart svg").count() == 1
    page.get_by_role("link", name="Edit beside the English (فارسی)").click()
    stem = page.locator("#stem")
    assert stem.get_attribute("dir") == "rtl"
    assert page.locator(".source-text [lang=en]").count() == 1
    stem.fill(stem.input_value() + " (بازبینی‌شده)")
    page.fill("#note", "wording")
    page.get_by_role("button", name="Save for review").click()
    page.wait_for_load_state()
    assert "the text is now in review" in page.locator(".flash--success").inner_text()
    assert "fa stem" in page.locator("#history-title + .table-scroll").inner_text()
    page.screenshot(path=str(SHOTS / "bank-item.png"), full_page=True)
    page.close()


def test_trainee_books_is_admitted_and_answers_in_arabic(server, browser):
    """Book the demo session in Arabic, be admitted by staff, answer and flag, review; the pages are RTL and pass axe."""
    pytest.importorskip("axe_playwright_python")
    trainee = browser.new_context()
    page = trainee.new_page()
    _sign_in_in_english(page, server, "trainee@example.org")
    page.goto(server + "/exam/")
    page.select_option("select[name=language]", "ar")
    page.get_by_role("button", name="Book a seat").first.click()
    page.wait_for_load_state()
    assert "Your seat is booked." in page.locator(".flash--success").inner_text()

    staff = browser.new_page()
    _sign_in_in_english(staff, server, "admin@example.org")
    staff.goto(server + "/staff/exam/sessions")
    staff.locator("table a").first.click()
    staff.get_by_role("link", name="Open the console").click()   # staff may run any session's console
    staff.get_by_role("link", name=re.compile("^Check in")).first.click()
    staff.select_option("#id_type", "state_id")
    staff.check("#name_matches")
    staff.fill("#id_last", "0042")
    staff.get_by_role("button", name="Mark present").click()
    staff.get_by_role("button", name=re.compile("^Admit")).first.click()
    staff.wait_for_load_state()
    assert "the exam has started" in staff.locator(".flash--success").inner_text()
    staff.close()

    page.goto(server + "/exam/")
    page.get_by_role("link", name="Continue your exam").click()
    page.wait_for_load_state()
    question = page.locator("fieldset.question")
    assert question.get_attribute("dir") == "rtl" and question.get_attribute("lang") == "ar"
    assert _violations(page) == []
    page.locator("fieldset.question input[type=radio]").nth(2).check()
    page.check("#flag")
    page.get_by_role("button", name="Save and continue").click()
    page.wait_for_load_state()
    assert "Question 2 of 120" in page.locator("h1").inner_text()
    page.get_by_role("button", name="Save and review all answers").click()
    page.wait_for_load_state()
    assert "1 of 120 answered" in page.locator("main").inner_text()
    assert page.locator("h2:has-text('Flagged for review') + ul a").inner_text() == "Question 1"
    assert _violations(page) == []
    page.screenshot(path=str(SHOTS / "exam-review.png"), full_page=True)
    trainee.close()
