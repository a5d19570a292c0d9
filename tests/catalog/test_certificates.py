"""Completion certificates: issued on completion, a PDF in the person's language, verifiable in public."""
from __future__ import annotations

import io
import re
import unicodedata

import pytest
from sqlalchemy import select

from lms.catalog.models import Certificate, Module
from lms.core.roles import Role

from ..conftest import needs_weasyprint, sign_in



@pytest.fixture
def completed(app, db, client, new_client, create_user, login_as, offered):
    """A trainee who completed a small course: check passed and minutes credited."""
    course = offered()
    person = login_as(Role.TRAINEE, name="María José Ortega")
    home = client.submit(f"/courses/{course.offering_id}/enrol").headers["Location"]
    enrollment_id = int(home.rstrip("/").split("/")[-1])
    with app.app_context():
        module_id = db.session.scalar(select(Module.id).where(Module.version_id == course.version_id))
    client.submit(f"{home}/modules/{module_id}/check", {"q-q1": "b", "q-q2": "b", "q-q3": "b"})
    staff = new_client()
    sign_in(staff, create_user(Role.ADMIN).email)
    staff.submit(f"/admin/enrollments/{enrollment_id}/adjustments",
                 {"module": module_id, "minutes": "100", "reason": "sign-in sheets"})
    with app.app_context():
        certificate = db.session.scalar(select(Certificate))
        assert certificate is not None, "completion issues a certificate"
        return enrollment_id, certificate.code, person


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return unicodedata.normalize("NFKC", text)


def test_the_code_is_unguessable_and_shown_on_the_record(client, completed):
    enrollment_id, code, _person = completed
    assert re.fullmatch(r"([A-HJ-NP-Z2-9]{4}-){3}[A-HJ-NP-Z2-9]{4}", code)
    assert f"/trainee/certificates/{enrollment_id}.pdf" in client.get("/trainee/record").get_data(as_text=True)


@needs_weasyprint
def test_certificate_pdf_in_english(client, completed):
    enrollment_id, code, _person = completed
    response = client.get(f"/trainee/certificates/{enrollment_id}.pdf")
    assert response.mimetype == "application/pdf" and response.data.startswith(b"%PDF")
    text = _pdf_text(response.data)
    for expected in ("Certificate of completion", "María José Ortega", "Course en", code,
                     "Hope, recovery and wellness", "100"):
        assert expected in text, expected
    assert f"/verify/{code}" in text.replace("\n", "")  # the link may wrap


@needs_weasyprint
def test_certificate_pdf_in_arabic_is_right_to_left(app, client, completed):
    enrollment_id, code, _person = completed
    client.submit("/language", {"locale": "ar", "next": "/"})
    data = client.get(f"/trainee/certificates/{enrollment_id}.pdf").data
    text = _pdf_text(data)
    assert code in text and "María José Ortega" in text
    with app.test_request_context():
        from flask_babel import force_locale, gettext

        with force_locale("ar"):
            title = gettext("Certificate of completion")
    assert any(word in text for word in title.split()), "the Arabic title is in the PDF"


def test_someone_elses_certificate_is_not_found(new_client, create_user, completed):
    enrollment_id, _code, _person = completed
    other = new_client()
    sign_in(other, create_user(Role.TRAINEE).email)
    assert other.get(f"/trainee/certificates/{enrollment_id}.pdf").status_code == 404


def test_public_verification(new_client, completed):
    _enrollment_id, code, _person = completed
    public = new_client()
    page = public.get(f"/verify/{code}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "This certificate is genuine." in html and "María José Ortega" in html
    assert "@example.org" not in html  # no contact details in public
    typed = public.get(f"/verify?code={code.lower().replace('-', ' ')}")
    assert typed.status_code == 302 and typed.headers["Location"].endswith(f"/verify/{code}")
    missing = public.get("/verify/AAAA-BBBB-CCCC-DDDD")
    assert missing.status_code == 404 and "No certificate has this code." in missing.get_data(as_text=True)


def test_certificate_is_issued_once(app, db, completed):
    from lms.catalog.certificates import issue
    from lms.catalog.models import Enrollment

    enrollment_id, code, _person = completed
    with app.app_context():
        assert issue(db.session.get(Enrollment, enrollment_id)).code == code


def test_without_weasyprint_the_download_fails_clearly(client, completed, monkeypatch):
    import sys

    enrollment_id, _code, _person = completed
    monkeypatch.setitem(sys.modules, "weasyprint", None)
    response = client.get(f"/trainee/certificates/{enrollment_id}.pdf")
    assert response.status_code == 503
    assert "The certificate cannot be made on this server right now." in response.get_data(as_text=True)
