"""Issuing, the public registry's fields, staff status changes, the dated statuses and the daily sweep."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from lms.certification.models import Certification, Reminder
from lms.core.audit import AuditEvent
from lms.core.roles import Role

from ..conftest import needs_weasyprint, sign_in


def _staff(create_user, new_client):
    browser = new_client()
    sign_in(browser, create_user(Role.ADMIN, name="Cora Staff").email)
    return browser


def _issue(app, db, staff, application_id):
    response = staff.submit(f"/staff/applications/{application_id}/certify", {})
    assert response.status_code == 302
    with app.app_context():
        return db.session.scalars(select(Certification).where(Certification.application_id == application_id)).one()


def test_staff_issue_a_ready_certification_for_two_years_and_the_registry_shows_only_public_fields(
        app, db, client, clock, passed, create_user, new_client):
    user, application_id = passed()
    staff = _staff(create_user, new_client)
    assert "Marisol Reyes" in staff.get("/staff/certifications").get_data(as_text=True)
    certification = _issue(app, db, staff, application_id)
    assert certification.number == f"PSS{certification.id:06d}" and certification.status == "active"
    assert certification.issued_at == clock() and certification.expires_at == clock().replace(year=2028)
    again = staff.submit(f"/staff/applications/{application_id}/certify", {})   # a second click issues nothing more
    assert again.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count(Certification.id))) == 1
        assert db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "certification.issued")) == 1
    anonymous = new_client()
    for query in ("reyes", "marisol r", certification.number.lower()):
        found = anonymous.get(f"/registry?q={query}").get_data(as_text=True)
        assert f"/registry/{certification.number}" in found, query
    entry = anonymous.get(f"/registry/{certification.number}").get_data(as_text=True)
    for shown in ("Marisol Reyes", certification.number, "Active", "November 24, 2028"):
        assert shown in entry
    for private in (user.email, "430", "Test Person"):
        assert private not in entry
    assert anonymous.get("/registry/PSS999999").status_code == 404
    mine = client.get("/certification").get_data(as_text=True)
    assert certification.number in mine and "You can renew from August 26, 2028." in mine


def test_nothing_is_issued_without_a_released_pass(app, db, passed, create_user, new_client):
    _user, failed_id = passed(passed=False)
    staff = _staff(create_user, new_client)
    page = staff.submit(f"/staff/applications/{failed_id}/certify", {}, follow_redirects=True).get_data(as_text=True)
    assert "no released passing result" in page
    with app.app_context():
        assert db.session.scalar(select(func.count(Certification.id))) == 0


def test_with_automatic_issuing_a_released_pass_certifies_at_once(app, db, clock, admitted, client):
    from lms.exam.models import Attempt
    from lms.exam.results import release

    saved = app.config.get("POLICY")
    app.config["POLICY"] = {"certification_auto_issue": True, "results_release": "after_review"}
    try:
        _user, public_id = admitted()
        with app.test_request_context(method="POST"):
            attempt = db.session.scalars(select(Attempt).where(Attempt.public_id == public_id)).one()
            attempt.booking.application.training_source = "external"
            attempt.state, attempt.ended_at = "submitted", clock()
            attempt.result = {"passed": True, "scaled": 420}
            release(attempt, None, clock())
            db.session.commit()
            assert db.session.scalar(select(Certification.status)) == "active"
    finally:
        app.config["POLICY"] = saved


def test_suspension_and_revocation_reach_the_registry_at_once_with_a_reason(
        app, db, clock, passed, create_user, new_client):
    _user, application_id = passed()
    staff = _staff(create_user, new_client)
    certification = _issue(app, db, staff, application_id)
    url = f"/staff/certifications/{certification.id}"
    assert "Give the reason" in staff.submit(url, {"status": "suspended", "reason": ""}).get_data(as_text=True)
    staff.submit(url, {"status": "suspended", "reason": "Complaint 2026-14 under investigation."})
    public = new_client()
    assert "Suspended" in public.get(f"/registry/{certification.number}").get_data(as_text=True)
    staff.submit(url, {"status": "restored", "reason": "Investigation closed, no finding."})
    assert "Active" in public.get(f"/registry/{certification.number}").get_data(as_text=True)
    staff.submit(url, {"status": "revoked", "reason": "Board decision 2026-20."})
    assert "Revoked" in public.get(f"/registry/{certification.number}").get_data(as_text=True)
    refused = staff.submit(url, {"status": "restored", "reason": "x"}).get_data(as_text=True)
    assert "A revoked certification cannot change status." in refused
    history = staff.get(url).get_data(as_text=True)
    assert "Complaint 2026-14 under investigation." in history and "Cora Staff" in history


def test_dates_move_the_status_and_the_sweep_sends_each_reminder_once(app, db, clock, passed, create_user, new_client):
    from lms.certification.service import sweep

    _user, application_id = passed()
    staff = _staff(create_user, new_client)
    certification = _issue(app, db, staff, application_id)
    expires = certification.expires_at

    def run(at):
        clock.set(at)
        with app.test_request_context():
            result = sweep(at)
            db.session.commit()
            return result.moved, result.reminders

    assert run(expires - timedelta(days=120)) == (0, 0)
    assert run(expires - timedelta(days=89)) == (0, 1)
    assert run(expires - timedelta(days=88)) == (0, 0)   # the 90-day reminder went once
    assert run(expires - timedelta(days=29)) == (0, 1)
    assert run(expires - timedelta(days=6)) == (0, 1)
    assert run(expires - timedelta(days=5)) == (0, 0)
    assert len(list(Path(app.config["MAIL_OUTBOX_DIR"]).glob("*.eml"))) == 3
    public = new_client()
    clock.set(expires)   # the registry does not wait for the sweep
    assert "Expired" in public.get(f"/registry/{certification.number}").get_data(as_text=True)
    assert run(expires) == (1, 0)
    assert run(expires + timedelta(days=1)) == (0, 0)
    assert run(expires.replace(year=expires.year + 4)) == (1, 0)
    with app.app_context():
        assert db.session.get(Certification, certification.id).status == "lapsed"
        assert db.session.scalar(select(func.count(Reminder.id))) == 3


def test_a_suspended_certification_is_not_moved_by_dates(app, db, clock, passed, create_user, new_client):
    from lms.certification.service import sweep

    _user, application_id = passed()
    staff = _staff(create_user, new_client)
    certification = _issue(app, db, staff, application_id)
    staff.submit(f"/staff/certifications/{certification.id}", {"status": "suspended", "reason": "Review."})
    clock.set(certification.expires_at + timedelta(days=1))
    with app.test_request_context():
        assert sweep(clock()).moved == 0
        assert db.session.get(Certification, certification.id).status == "suspended"


@needs_weasyprint
def test_the_wallet_card_is_a_pdf_with_a_qr_code_to_the_registry(app, db, client, passed, create_user, new_client):
    _user, application_id = passed()
    certification = _issue(app, db, _staff(create_user, new_client), application_id)
    response = client.get("/certification/wallet.pdf")
    assert response.mimetype == "application/pdf" and response.data.startswith(b"%PDF")
    with app.test_request_context():
        from lms.certification.wallet import registry_url

        assert registry_url(certification).endswith(f"/registry/{certification.number}")
