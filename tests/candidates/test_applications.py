"""Applying to certify: the form keeps what was entered, refuses what is missing, and staff decide."""
from __future__ import annotations

import io
from datetime import date

from sqlalchemy import select

from lms.candidates.models import Application, Upload
from lms.core.audit import AuditEvent
from lms.core.roles import Role

from ..conftest import sign_in

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _form(**overrides):
    data = {"legal_name": "Ana María López", "date_of_birth": "1990-04-23", "education": "diploma",
            "lived_experience": "consumer", "willing_to_share": "1",
            "dedication": "Recovery gave me my life back and I want to walk beside others.",
            "training_source": "external", "agree": "1", "signature": "ana maría  lópez", "action": "submit",
            "education_file": (io.BytesIO(PDF), "diploma.pdf"), "training_file": (io.BytesIO(PDF), "training.pdf")}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def _application(app, db, user):
    with app.app_context():
        application = db.session.scalars(select(Application).where(Application.user_id == user.id)).one()
        db.session.expunge(application)
        return application


def test_a_complete_application_is_signed_and_sent(app, db, client, clock, login_as):
    user = login_as(Role.TRAINEE)
    response = client.submit("/exam/apply", _form(), content_type="multipart/form-data")
    assert response.status_code == 302
    application = _application(app, db, user)
    assert application.status == "submitted" and application.submitted_at == clock()
    assert application.date_of_birth == date(1990, 4, 23)
    assert application.ethics_version == "2024-1" and application.ethics_signed_at == clock()
    assert application.ethics_signature == "ana maría lópez"
    with app.app_context():
        upload = db.session.get(Upload, application.education_upload_id)
        assert upload.content_type == "application/pdf" and upload.owner_id == user.id
        stored = app.instance_path + "/uploads/" + upload.storage_key
        assert open(stored, "rb").read() == PDF
        assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.action == "application.submitted"))
    page = client.get("/exam/apply").get_data(as_text=True)
    assert "Sent, waiting for review" in page and 'name="signature"' not in page


def test_missing_answers_are_listed_and_nothing_entered_is_lost(app, db, client, clock, login_as):
    user = login_as(Role.TRAINEE)
    young = _form(date_of_birth="2009-01-01", willing_to_share=None, dedication="short", signature="Someone Else",
                  training_file=None, education_file=(io.BytesIO(b"GIF89a not a pdf"), "diploma.gif"))
    response = client.submit("/exam/apply", young, content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    for message in ("You must be 18 or older to apply.", "not a PDF, PNG or JPEG",
                    "Confirm that you are willing to.", "at least 20 characters",
                    "Upload the certificate of completion from your training provider.",
                    "Your signature must be your full legal name"):
        assert message in page, message
    assert 'value="Ana María López"' in page and 'value="2009-01-01"' in page and ">short</textarea>" in page
    assert 'aria-invalid="true" aria-describedby="date_of_birth-error"' in page
    application = _application(app, db, user)
    assert application.status == "draft" and application.dedication == "short"   # kept as a draft


def test_an_upload_can_only_be_fetched_by_its_owner_and_staff(app, db, client, new_client, login_as, create_user):
    login_as(Role.TRAINEE)
    client.submit("/exam/apply", _form(), content_type="multipart/form-data")
    with app.app_context():
        upload_id = db.session.scalars(select(Upload.id)).first()
    own = client.get(f"/uploads/{upload_id}")
    assert own.status_code == 200 and own.data == PDF and "attachment" in own.headers["Content-Disposition"]
    other = new_client()
    sign_in(other, create_user(Role.TRAINEE).email)
    assert other.get(f"/uploads/{upload_id}").status_code == 404
    proctor = new_client()
    sign_in(proctor, create_user(Role.PROCTOR).email)
    assert proctor.get(f"/uploads/{upload_id}").status_code == 404
    staff = new_client()
    sign_in(staff, create_user(Role.ADMIN).email)
    assert staff.get(f"/uploads/{upload_id}").data == PDF


def test_staff_return_then_approve_opens_a_twelve_month_window(app, db, client, new_client, clock, login_as,
                                                              create_user):
    user = login_as(Role.TRAINEE)
    client.submit("/exam/apply", _form(), content_type="multipart/form-data")
    application = _application(app, db, user)
    staff = new_client()
    sign_in(staff, create_user(Role.ADMIN).email)
    url = f"/staff/applications/{application.id}"
    assert "Ana María López" in staff.get("/staff/applications").get_data(as_text=True)
    no_note = staff.submit(url, {"decision": "return", "note": ""}, follow_redirects=True)
    assert "Write a note that tells the candidate why" in no_note.get_data(as_text=True)
    staff.submit(url, {"decision": "return", "note": "The diploma scan is unreadable; upload a clearer copy."})
    page = client.get("/exam/apply").get_data(as_text=True)
    assert "Returned to you for changes" in page and "upload a clearer copy" in page and 'name="signature"' in page
    client.submit("/exam/apply", _form(training_file=None), content_type="multipart/form-data")   # kept from before
    clock.advance(days=2)
    staff.submit(url, {"decision": "approve", "note": ""})
    application = _application(app, db, user)
    assert application.status == "approved" and application.window_opens_at == clock()
    assert (application.window_closes_at.year, application.window_closes_at.month) == \
        (clock().year + 1, clock().month)
    with app.app_context():
        actions = set(db.session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("application.%"))))
    assert {"application.submitted", "application.returned", "application.approved"} <= actions
    assert "You can book a seat." in client.get("/exam/").get_data(as_text=True)


def test_without_an_approved_application_the_candidate_cannot_book(app, db, client, clock, full_bank, login_as):
    from datetime import timedelta

    from lms.exam.models import Booking, ExamSession

    login_as(Role.TRAINEE)
    with app.app_context():
        session = ExamSession(mode="online", starts_at=clock() + timedelta(days=3), location="", capacity=5,
                              languages=["en"])
        db.session.add(session)
        db.session.commit()
        session_id = session.id
    home = client.get("/exam/").get_data(as_text=True)
    assert "Apply for certification first." in home and "Book a seat" not in home
    refused = client.submit(f"/exam/sessions/{session_id}/book", {"language": "en"}, follow_redirects=True)
    assert "Apply for certification first." in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(select(Booking)).first() is None
