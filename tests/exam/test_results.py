"""Results: released at once or after staff review, never leaked before, and a score report PDF in the exam's language."""
from __future__ import annotations

import io
import json
import unicodedata

import pytest
from sqlalchemy import select

from lms.core.audit import AuditEvent
from lms.core.roles import Role
from lms.exam.models import Attempt, AttemptAnswer

from ..conftest import needs_weasyprint, sign_in

API = "/api/v1/attempts/{}"



@pytest.fixture
def release_policy(app):
    """Set ``results_release`` for one test; the installation's policy comes back afterwards."""
    had, before = "POLICY" in app.config, app.config.get("POLICY")

    def set_to(value: str) -> None:
        app.config["POLICY"] = {**(before or {}), "results_release": value}

    yield set_to
    if had:
        app.config["POLICY"] = before
    else:
        app.config.pop("POLICY", None)


@pytest.fixture
def staff(new_client, create_user):
    """A browser signed in as certification staff (or another role)."""

    def make(role: Role = Role.ADMIN):
        browser = new_client()
        assert sign_in(browser, create_user(role, name=f"Staff {role}").email).status_code == 302
        return browser

    return make


def _attempt(app, db, public_id) -> Attempt:
    with app.app_context():
        attempt = db.session.scalars(select(Attempt).where(Attempt.public_id == public_id)).one()
        db.session.expunge(attempt)
        return attempt


def _answer_every_key(app, db, clock, public_id) -> None:
    """Answer every question with its key (straight into the database: the pages never show keys)."""
    from lms.itembank.models import ItemVersion

    with app.app_context():
        attempt = db.session.scalars(select(Attempt).where(Attempt.public_id == public_id)).one()
        for position, entry in enumerate(attempt.form):
            key = db.session.scalars(select(ItemVersion.snapshot).where(
                ItemVersion.item_id == entry["item"], ItemVersion.number == entry["version"])).one()["key"]
            db.session.add(AttemptAnswer(attempt=attempt, position=position, option=key,
                                         flagged=False, seq=position + 1, saved_at=clock()))
        attempt.last_seq = len(attempt.form)
        db.session.commit()


def _submit(client, public_id):
    return client.submit(f"/exam/attempts/{public_id}/submit", {"confirm": "1"}, follow_redirects=True)


def _in(lang: str, *messages: str) -> list[str]:
    from flask_babel import force_locale, gettext

    with force_locale(lang):
        return [gettext(message) for message in messages]


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return unicodedata.normalize("NFKC", text)


def _pdf_fonts(data: bytes) -> set[str]:
    from pypdf import PdfReader

    fonts = set()
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    return fonts


def test_an_immediate_result_shows_the_score_the_standard_and_the_retake(app, db, client, clock, admitted,
                                                                          release_policy):
    release_policy("immediate")
    _user, public_id = admitted()
    page = _submit(client, public_id).get_data(as_text=True)   # nothing answered: a result that did not pass
    attempt = _attempt(app, db, public_id)
    assert attempt.released_at == clock()
    assert "Scaled score" in page and "Did not pass" in page
    assert f"below the passing score of {500}" in page
    assert "Performance by area" in page and "Behavioral Health Foundations" in page
    assert "Below the standard" in page and "less well than a candidate who just meets the passing standard" in page
    assert "To sit again, send a retake request." in page and 'href="/exam/retake"' in page
    assert "Sittings used in your application window: 1 of 3." in page
    assert f"/exam/attempts/{public_id}/result.pdf" in page and "Download PDF" in page


def test_a_passing_result_says_so_and_offers_no_retake(app, db, client, clock, admitted, release_policy):
    release_policy("immediate")
    _user, public_id = admitted(language="en")
    _answer_every_key(app, db, clock, public_id)
    page = _submit(client, public_id).get_data(as_text=True)
    assert _attempt(app, db, public_id).result["passed"]
    assert "You passed: your scaled score of" in page and "Above the standard" in page
    assert "You passed the exam. There is nothing more to book." in page
    assert "/exam/retake" not in page


def test_after_review_the_score_stays_hidden_until_staff_release_it(app, db, client, clock, admitted, staff,
                                                                     release_policy):
    release_policy("after_review")
    user, public_id = admitted()
    item = client.get(f"{API.format(public_id)}/items/1").json
    client.post_json(f"{API.format(public_id)}/answers", {"position": 1, "answer": item["options"][0]["id"], "seq": 1})
    submitted = client.post_json(f"{API.format(public_id)}/submit", {})
    attempt = _attempt(app, db, public_id)
    assert attempt.state == "submitted" and attempt.result is not None and attempt.released_at is None

    # The candidate learns nothing: not on the page, not in the PDF, not in any API answer.
    page = client.get(f"/exam/attempts/{public_id}/result").get_data(as_text=True)
    assert "Your result is being reviewed" in page
    for leak in ("Scaled score", "Pass", "Performance by area", "Behavioral Health Foundations", "Download PDF"):
        assert leak not in page, leak
    assert client.get(f"/exam/attempts/{public_id}/result.pdf").status_code == 404
    for response in (submitted, client.get(API.format(public_id)), client.post_json(f"{API.format(public_id)}/heartbeat", {})):
        body = json.dumps(response.json)
        assert not {"result", "scaled", "passed", "theta", "areas", "raw"} & response.json.keys(), body

    # Staff see it awaiting release, with the score, and release it.
    admin = staff()
    listing = admin.get("/staff/exam/results").get_data(as_text=True)
    assert user.name in listing and str(attempt.result["scaled"]) in listing and "Did not pass" in listing
    assert f'value="{public_id}"' in listing
    released = admin.submit("/staff/exam/results/release", {"only": public_id}, follow_redirects=True)
    assert "1 result released." in released.get_data(as_text=True)
    assert _attempt(app, db, public_id).released_at == clock()

    page = client.get(f"/exam/attempts/{public_id}/result").get_data(as_text=True)
    assert "Scaled score" in page and "Did not pass" in page and "being reviewed" not in page
    assert "Download PDF" in page


def test_releasing_is_audited_once_and_twice_is_harmless(app, db, client, clock, admitted, staff, release_policy):
    release_policy("after_review")
    _user, public_id = admitted()
    _submit(client, public_id)
    admin = staff()
    admin.submit("/staff/exam/results/release", {"only": public_id})
    first = _attempt(app, db, public_id).released_at
    clock.advance(minutes=5)
    again = admin.submit("/staff/exam/results/release", {"attempt": [public_id]}, follow_redirects=True)
    assert "already released" in again.get_data(as_text=True)
    assert _attempt(app, db, public_id).released_at == first
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "exam.result_released")).all()
        assert len(events) == 1
        assert events[0].object_id == str(_attempt(app, db, public_id).id) and events[0].actor_id is not None
        assert set(events[0].data) == {"scaled", "passed"}


def test_staff_release_every_ticked_result_and_leave_the_rest(app, db, clock, admitted, staff, release_policy):
    from lms.exam.sitting import finish

    release_policy("after_review")
    ids = [admitted()[1] for _ in range(3)]
    with app.app_context():
        for attempt in db.session.scalars(select(Attempt).where(Attempt.public_id.in_(ids))):
            finish(attempt, clock(), "candidate")
        db.session.commit()
    admin = staff()
    nothing = admin.submit("/staff/exam/results/release", {}, follow_redirects=True)
    assert "Tick the results to release" in nothing.get_data(as_text=True)
    reply = admin.submit("/staff/exam/results/release", {"attempt": ids[:2]}, follow_redirects=True)
    assert "2 results released." in reply.get_data(as_text=True)
    assert [_attempt(app, db, i).released_at is not None for i in ids] == [True, True, False]


def test_an_attempt_still_under_way_cannot_be_released(app, db, clock, admitted):
    from lms.core.errors import DomainError
    from lms.exam import results

    _user, public_id = admitted()
    with app.test_request_context():
        attempt = db.session.scalars(select(Attempt).where(Attempt.public_id == public_id)).one()
        with pytest.raises(DomainError) as refused:
            results.release(attempt, None, clock())
        assert refused.value.code == "not_ended"
        assert results.release_all([public_id], None, clock()) == 0


def test_the_psychometrician_may_look_but_not_release(app, db, client, admitted, staff, release_policy):
    release_policy("after_review")
    _user, public_id = admitted()
    _submit(client, public_id)
    viewer = staff(Role.PSYCHOMETRICIAN)
    listing = viewer.get("/staff/exam/results")
    assert listing.status_code == 200 and "Did not pass" in listing.get_data(as_text=True)
    assert "/staff/exam/results/release" not in listing.get_data(as_text=True)
    assert viewer.submit("/staff/exam/results/release", {"only": public_id}).status_code == 403
    assert _attempt(app, db, public_id).released_at is None


def test_candidates_cannot_reach_staff_results(client, login_as):
    login_as(Role.TRAINEE)
    assert client.get("/staff/exam/results").status_code == 403
    assert client.submit("/staff/exam/results/release", {"only": "x"}).status_code == 403


def test_another_candidate_gets_not_found(app, db, client, new_client, admitted, create_user, release_policy):
    release_policy("immediate")
    _user, public_id = admitted()
    _submit(client, public_id)
    stranger = new_client()
    sign_in(stranger, create_user(Role.TRAINEE).email)
    assert stranger.get(f"/exam/attempts/{public_id}/result").status_code == 404
    assert stranger.get(f"/exam/attempts/{public_id}/result.pdf").status_code == 404


def test_no_pdf_while_the_exam_is_under_way(client, admitted):
    _user, public_id = admitted()
    assert client.get(f"/exam/attempts/{public_id}/result.pdf").status_code == 404


@needs_weasyprint
def test_the_pdf_is_in_spanish_for_a_spanish_exam(app, db, client, admitted, release_policy):
    release_policy("immediate")
    _user, public_id = admitted(language="es")
    _submit(client, public_id)   # the interface stays in English: the report follows the exam's language
    response = client.get(f"/exam/attempts/{public_id}/result.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    text = " ".join(_pdf_text(response.data).split())
    with app.test_request_context():
        expected = _in("es", "Scaled score", "Did not pass", "Below the standard", "Crisis Management")
    assert "Puntuación escalada" in expected
    for label in expected:
        assert label in text, label
    assert "Test Candidate" in text   # the legal name on the application
    assert "Did not pass" not in text   # not the English


@needs_weasyprint
def test_the_pdf_is_right_to_left_with_arabic_glyphs_for_an_arabic_exam(app, db, client, admitted, release_policy,
                                                                         monkeypatch):
    from weasyprint import HTML

    drawn = []
    monkeypatch.setattr("weasyprint.HTML", lambda string: drawn.append(string) or HTML(string=string))
    release_policy("immediate")
    _user, public_id = admitted(language="ar")
    _submit(client, public_id)
    data = client.get(f"/exam/attempts/{public_id}/result.pdf").data
    assert data.startswith(b"%PDF")
    assert '<html lang="ar" dir="rtl">' in drawn[0]
    text = _pdf_text(data)
    with app.test_request_context():
        labels = _in("ar", "Scaled score", "Did not pass", "Performance", "Crisis Management")
    for label in labels:
        assert any(word in text for word in label.split()), label
    assert any("Arabic" in font for font in _pdf_fonts(data)), _pdf_fonts(data)


@needs_weasyprint
def test_the_pdf_draws_chinese_with_a_cjk_font(app, db, client, admitted, release_policy):
    release_policy("immediate")
    _user, public_id = admitted(language="zh_Hant")
    _submit(client, public_id)
    data = client.get(f"/exam/attempts/{public_id}/result.pdf").data
    assert any("CJK" in font for font in _pdf_fonts(data)), _pdf_fonts(data)
    text = "".join(_pdf_text(data).split())
    with app.test_request_context():
        labels = _in("zh_Hant", "Scaled score", "Did not pass")
    for label in labels:
        assert "".join(label.split()) in text, label
