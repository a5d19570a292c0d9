"""Renewal: the window, continuing education from the platform and from outside with evidence, the Code of
Ethics signed again, staff's decision and the next period; the paths after expiry, by date."""
from __future__ import annotations

import io
from datetime import timedelta

from sqlalchemy import select

from lms.certification.models import Certification, Renewal
from lms.core.roles import Role

from ..conftest import sign_in

PDF = b"%PDF-1.4\n% a certificate\n"


def _certified(app, db, passed, create_user, new_client):
    _user, application_id = passed()
    staff = new_client()
    sign_in(staff, create_user(Role.ADMIN, name="Cora Staff").email)
    staff.submit(f"/staff/applications/{application_id}/certify", {})
    with app.app_context():
        return staff, db.session.scalars(select(Certification)).one()


def _row(n, title, hours, day, law=False, file=True):
    data = {f"title-{n}": title, f"provider-{n}": "County Behavioral Health", f"completed_on-{n}": day,
            f"hours-{n}": hours}
    if law:
        data[f"law_ethics-{n}"] = "1"
    if file:
        data[f"file-{n}"] = (io.BytesIO(PDF), f"certificate-{n}.pdf")
    return data


def _send(client, **rows):
    data = {"agree": "1", "signature": "marisol  reyes", **rows}
    return client.submit("/certification/renew", data, content_type="multipart/form-data")


def test_renewal_opens_ninety_days_before_expiry_and_staff_approval_starts_the_next_period_from_it(
        app, db, client, clock, passed, create_user, new_client):
    staff, certification = _certified(app, db, passed, create_user, new_client)
    expires = certification.expires_at
    clock.set(expires - timedelta(days=91))
    assert "You can renew from" in client.get("/certification").get_data(as_text=True)
    assert "Renew my certification</a>" not in client.get("/certification").get_data(as_text=True)
    clock.set(expires - timedelta(days=60))
    day = (clock() - timedelta(days=100)).date().isoformat()
    # 20 hours with 6 in Law and Ethics, all taken elsewhere; a missing record keeps the others' files.
    rows = {**_row(0, "Motivational interviewing", "14", day), **_row(1, "HIPAA and 42 CFR Part 2", "6", day, law=True,
                                                                     file=False)}
    refused = _send(client, **rows)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "Attach the certificate or record of this activity" in page
    assert "Kept: certificate-0.pdf" in page
    kept = page.split('name="upload_id-0" value="')[1].split('"')[0]
    rows = {**{k: v for k, v in _row(0, "Motivational interviewing", "14", day, file=False).items()},
            "upload_id-0": kept, **_row(1, "HIPAA and 42 CFR Part 2", "6", day, law=True)}
    assert _send(client, **rows).status_code == 302
    with app.app_context():
        renewal = db.session.scalars(select(Renewal)).one()
        assert renewal.status == "submitted" and not renewal.late
        assert (renewal.outside_minutes, renewal.outside_law_minutes) == (1200, 360)
        assert renewal.ethics_signature == "marisol reyes"
    assert "being reviewed" in client.get("/certification").get_data(as_text=True)
    evidence = staff.get(f"/staff/renewals/{renewal.id}").get_data(as_text=True)
    assert "certificate-1.pdf" in evidence and "HIPAA and 42 CFR Part 2" in evidence
    staff.submit(f"/staff/renewals/{renewal.id}", {"decision": "approve"})
    with app.app_context():
        renewed = db.session.get(Certification, certification.id)
        assert renewed.period_starts_at == expires and renewed.expires_at == expires.replace(year=expires.year + 2)
        assert renewed.status == "active"


def test_too_few_hours_or_law_and_ethics_or_a_wrong_signature_are_each_explained(
        app, db, client, clock, passed, create_user, new_client):
    _staff, certification = _certified(app, db, passed, create_user, new_client)
    clock.set(certification.expires_at - timedelta(days=30))
    day = (clock() - timedelta(days=10)).date().isoformat()
    old = (clock() - timedelta(days=800)).date().isoformat()
    page = client.submit("/certification/renew", {**_row(0, "Group facilitation", "20", day),
                                                  **_row(1, "Ethics refresher", "6", old, law=True),
                                                  "signature": "Someone Else"},
                         content_type="multipart/form-data").get_data(as_text=True)
    for message in ("Renewal needs 20 hours of continuing education in the last 2 years, 6 of them in Law and Ethics",
                    "Only activities completed from", "Type your full legal name, Marisol Reyes, to sign.",
                    "Tick the box to agree to the Code of Ethics."):
        assert message in page
    with app.app_context():
        assert db.session.scalar(select(Renewal.id)) is None


def test_returned_renewals_can_be_sent_again_and_late_ones_are_marked(
        app, db, client, clock, passed, create_user, new_client):
    staff, certification = _certified(app, db, passed, create_user, new_client)
    clock.set(certification.expires_at + timedelta(days=20))   # expired: a late renewal staff may accept
    assert "You can still file a late renewal" in client.get("/certification").get_data(as_text=True)
    day = (clock() - timedelta(days=40)).date().isoformat()
    rows = lambda: {**_row(0, "Peer supervision basics", "14", day),  # noqa: E731
                    **_row(1, "Law and ethics update", "6", day, law=True)}
    assert _send(client, **rows()).status_code == 302
    with app.app_context():
        renewal = db.session.scalars(select(Renewal)).one()
        assert renewal.late
    assert "Write a note" in staff.submit(f"/staff/renewals/{renewal.id}", {"decision": "return"},
                                          follow_redirects=True).get_data(as_text=True)
    staff.submit(f"/staff/renewals/{renewal.id}", {"decision": "return", "note": "The ethics record is unreadable."})
    assert "The ethics record is unreadable." in client.get("/certification").get_data(as_text=True)
    assert _send(client, **rows()).status_code == 302
    staff.submit(f"/staff/renewals/{renewal.id}", {"decision": "approve"})
    with app.app_context():
        renewed = db.session.get(Certification, certification.id)
        assert db.session.scalars(select(Renewal)).one().status == "approved"
        assert renewed.status == "active" and renewed.expires_at.year == certification.expires_at.year + 2


def test_after_four_years_only_the_initial_path_is_open(app, db, client, clock, passed, create_user, new_client):
    _staff, certification = _certified(app, db, passed, create_user, new_client)
    clock.set(certification.expires_at.replace(year=certification.expires_at.year + 4) + timedelta(days=1))
    page = client.get("/certification").get_data(as_text=True)
    assert "follow the initial path" in page and "Renew my certification</a>" not in page
    refused = client.submit("/certification/renew", {}, content_type="multipart/form-data")
    assert refused.status_code == 302
