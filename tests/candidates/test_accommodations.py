"""Accommodations: the candidate's request with the provider's form, staff's per-item decisions, the 30-day notice,
the plan at admission and during a sitting, the proctor's summary, and who may see what."""
from __future__ import annotations

import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from lms.candidates.accommodations import Plan, plan_for, summary_labels
from lms.candidates.models import AccommodationItem, AccommodationRequest, Application, Upload
from lms.core.audit import AuditEvent
from lms.core.errors import DomainError
from lms.core.roles import Role
from lms.exam import scheduling
from lms.exam.models import Attempt, Booking, ExamSession

from ..conftest import sign_in
from ..exam.conftest import approved_application

EXAM_SECONDS = 150 * 60
MEDICAL = "Diagnosed with PTSD; panic attacks in crowded rooms"


def _pdf(size: int = 200, name: str = "provider-form.pdf"):
    return io.BytesIO(b"%PDF-1.4\n" + b"0" * size), name


def _candidate(app, db, clock, create_user, status="approved", name="Ana Candidate"):
    user = create_user(Role.TRAINEE, name=name)
    with app.app_context():
        approved_application(db, user.id, clock(), status=status)
        db.session.commit()
    return user


def _request_form(**extra):
    data = {"kinds": ["extra_time", "extra_breaks", "separate_room"], "extra_time-mode": "1.5",
            "extra_breaks-count": "1", "separate_room-detail": MEDICAL, "document": _pdf()}
    data.update(extra)
    return data


def _session(db, at, days: float, capacity=10):
    session = ExamSession(mode="center", starts_at=at + timedelta(days=days), location="Fresno", capacity=capacity,
                          languages=["en", "es"])
    db.session.add(session)
    db.session.flush()
    return session


def _requests(app, db, user_id):
    with app.app_context():
        return db.session.scalars(select(AccommodationRequest).join(Application)
                                  .where(Application.user_id == user_id)).all()


def _events(app, db, action):
    with app.app_context():
        return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)).all()


@pytest.fixture
def requested(app, db, client, clock, create_user):
    """A candidate signed in on ``client`` who has sent a request (x1.5, one extra break, separate room)."""
    user = _candidate(app, db, clock, create_user)
    assert sign_in(client, user.email).status_code == 302
    response = client.submit("/exam/accommodations", _request_form())
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    with app.app_context():
        request_id = db.session.scalar(select(AccommodationRequest.id).join(Application)
                                       .where(Application.user_id == user.id))
    return user, request_id


@pytest.fixture
def staff(new_client, create_user):
    person = create_user(Role.ADMIN, name="Sam Staff")
    browser = new_client()
    assert sign_in(browser, person.email).status_code == 302
    return browser


def _item_ids(app, db, request_id) -> dict[str, int]:
    with app.app_context():
        return {i.kind: i.id for i in db.session.get(AccommodationRequest, request_id).items}


def _decide(staff, request_id, decisions: dict[int, tuple[str, str]]):
    data = {}
    for item_id, (decision, reason) in decisions.items():
        data[f"decision-{item_id}"], data[f"reason-{item_id}"] = decision, reason
    return staff.submit(f"/staff/accommodations/{request_id}", data)


# -- the candidate's request ------------------------------------------------------------------------

def test_candidate_requests_accommodations_with_the_providers_form(app, db, client, clock, requested):
    user, request_id = requested
    with app.app_context():
        request = db.session.get(AccommodationRequest, request_id)
        assert request.status == "pending" and request.submitted_at == clock()
        assert [(i.kind, i.multiplier, i.count, i.decision) for i in request.items] == [
            ("extra_time", 1.5, None, "pending"), ("extra_breaks", None, 1, "pending"),
            ("separate_room", None, None, "pending")]
        assert request.items[2].detail == MEDICAL
        assert request.upload.purpose == "accommodation" and request.upload.owner_id == user.id
    page = client.get("/exam/accommodations").get_data(as_text=True)
    assert "Being reviewed by certification staff." in page and "30 days" in page
    assert "Withdraw this request" in page and "Send the request" not in page   # one pending request at a time
    [event] = _events(app, db, "accommodation.requested")
    assert event.actor_id == user.id and event.data["kinds"] == ["extra_time", "extra_breaks", "separate_room"]
    assert MEDICAL not in str(event.data)


def test_a_file_that_is_not_a_document_is_refused_and_the_form_kept(app, db, client, clock, create_user):
    user = _candidate(app, db, clock, create_user)
    sign_in(client, user.email)
    response = client.submit("/exam/accommodations", _request_form(
        document=(io.BytesIO(b"MZ\x90\x00 not a document"), "form.pdf")))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "not a PDF, PNG or JPEG" in page
    assert MEDICAL in page and 'value="1.5" checked' in page and 'value="extra_breaks" checked' in page
    assert _requests(app, db, user.id) == []


def test_a_file_too_large_is_refused(app, db, client, clock, create_user, monkeypatch):
    monkeypatch.setitem(app.config, "POLICY", {"upload_max_bytes": 2 * 1024 * 1024})
    user = _candidate(app, db, clock, create_user)
    sign_in(client, user.email)
    response = client.submit("/exam/accommodations", _request_form(document=_pdf(3 * 1024 * 1024)))
    assert response.status_code == 400
    assert "larger than 2 MB" in response.get_data(as_text=True)
    assert _requests(app, db, user.id) == []


def test_the_form_says_what_to_correct_and_keeps_what_was_entered(app, db, client, clock, create_user):
    user = _candidate(app, db, clock, create_user)
    sign_in(client, user.email)
    nothing = client.submit("/exam/accommodations", {"document": _pdf()})
    assert nothing.status_code == 400 and "Choose at least one accommodation." in nothing.get_data(as_text=True)
    response = client.submit("/exam/accommodations", {
        "kinds": ["extra_time", "extra_breaks", "longer_breaks", "other"], "extra_time-mode": "minutes",
        "extra_time-minutes": "lots", "extra_breaks-count": "", "longer_breaks-minutes": "5",
        "other-detail": "", "note": "Please call me", "document": _pdf()})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    for message in ("Enter the extra minutes as a whole number from 1 to 150.", "Enter how many extra breaks you need.",
                    "more than the scheduled 10", "Describe the accommodation you need.",
                    "Choose your provider&#39;s form again"):
        assert message in page
    assert 'value="lots"' in page and "Please call me" in page and 'value="other" checked' in page
    assert _requests(app, db, user.id) == []


def test_a_request_needs_a_submitted_or_approved_application(app, db, client, new_client, clock, create_user,
                                                              login_as):
    login_as(Role.TRAINEE)
    page = client.get("/exam/accommodations").get_data(as_text=True)
    assert 'href="/exam/apply"' in page and "Send the request" not in page
    refused = client.submit("/exam/accommodations", _request_form(), follow_redirects=True)
    assert "Apply for certification first" in refused.get_data(as_text=True)
    submitted = _candidate(app, db, clock, create_user, status="submitted")
    browser = new_client()
    sign_in(browser, submitted.email)
    assert browser.submit("/exam/accommodations", _request_form()).status_code == 302
    assert len(_requests(app, db, submitted.id)) == 1


def test_a_request_is_refused_while_a_seat_is_booked_sooner_than_the_notice(app, db, client, clock, full_bank,
                                                                             create_user):
    user = _candidate(app, db, clock, create_user)
    sign_in(client, user.email)
    with app.test_request_context():
        booking = scheduling.book(db.session.merge(user), _session(db, clock(), days=10), "en", clock())
        db.session.commit()
        booking_id = booking.id
    page = client.submit("/exam/accommodations", _request_form(), follow_redirects=True).get_data(as_text=True)
    assert "less than 30 days from now" in page and "Cancel that booking" in page
    assert _requests(app, db, user.id) == []
    client.submit(f"/exam/bookings/{booking_id}/cancel")
    with app.test_request_context():
        scheduling.book(db.session.merge(user), _session(db, clock(), days=45), "en", clock())
        db.session.commit()
    assert client.submit("/exam/accommodations", _request_form()).status_code == 302   # a later seat is fine


def test_a_pending_request_blocks_booking_until_it_is_withdrawn(app, db, client, clock, full_bank, requested):
    user, request_id = requested
    with app.test_request_context():
        with pytest.raises(DomainError) as refused:
            scheduling.book(db.session.merge(user), _session(db, clock(), days=40), "en", clock())
        assert refused.value.code == "accommodation_pending"
        db.session.rollback()
    assert "Your request is withdrawn." in client.submit(f"/exam/accommodations/{request_id}/withdraw",
                                                         follow_redirects=True).get_data(as_text=True)
    with app.test_request_context():
        assert db.session.get(AccommodationRequest, request_id).status == "withdrawn"
        assert scheduling.book(db.session.merge(user), _session(db, clock(), days=2), "en", clock())
    assert len(_events(app, db, "accommodation.withdrawn")) == 1


def test_a_candidate_cannot_withdraw_someone_elses_request(app, db, new_client, clock, create_user, requested):
    _user, request_id = requested
    other = new_client()
    sign_in(other, _candidate(app, db, clock, create_user).email)
    assert other.submit(f"/exam/accommodations/{request_id}/withdraw").status_code == 404
    with app.app_context():
        assert db.session.get(AccommodationRequest, request_id).status == "pending"


# -- staff's decisions ---------------------------------------------------------------------------------

def test_staff_decide_each_item_with_a_required_reason(app, db, client, clock, staff, requested):
    user, request_id = requested
    ids = _item_ids(app, db, request_id)
    queue = staff.get("/staff/accommodations").get_data(as_text=True)
    assert "Ana Candidate" in queue and "1 request waiting" in queue
    review = staff.get(f"/staff/accommodations/{request_id}").get_data(as_text=True)
    assert f"/uploads/{_requests(app, db, user.id)[0].upload_id}" in review and MEDICAL in review
    no_reason = _decide(staff, request_id, {ids["extra_time"]: ("approved", " ")})
    assert no_reason.status_code == 400
    assert "Give the reason for this decision" in no_reason.get_data(as_text=True)
    assert f'id="approve-{ids["extra_time"]}" name="decision-{ids["extra_time"]}" value="approved" checked' in \
        no_reason.get_data(as_text=True)
    # Part of the request: it stays pending, and booking stays blocked.
    assert _decide(staff, request_id, {ids["extra_time"]: ("approved", "The provider's form supports it.")}
                   ).status_code == 302
    with app.app_context():
        request = db.session.get(AccommodationRequest, request_id)
        assert request.status == "pending" and request.items[0].decision == "approved"
    done = _decide(staff, request_id, {ids["extra_breaks"]: ("approved", "Supported."),
                                       ids["separate_room"]: ("denied", "The form does not name it.")})
    assert done.headers["Location"].endswith("/staff/accommodations")
    with app.app_context():
        request = db.session.get(AccommodationRequest, request_id)
        assert request.status == "decided" and request.decided_at == clock()
        assert [(i.decision, i.reason) for i in request.items] == [
            ("approved", "The provider's form supports it."), ("approved", "Supported."),
            ("denied", "The form does not name it.")]
        assert all(i.decided_by_id is not None for i in request.items)
    events = _events(app, db, "accommodation.decided")
    assert [(e.object_type, int(e.object_id), e.data["decision"]) for e in events] == [
        ("AccommodationItem", ids["extra_time"], "approved"), ("AccommodationItem", ids["extra_breaks"], "approved"),
        ("AccommodationItem", ids["separate_room"], "denied")]
    assert events[2].reason == "The form does not name it."
    page = client.get("/exam/accommodations").get_data(as_text=True)
    assert "The form does not name it." in page and "Denied" in page
    # A later change needs a reason too, and is audited as a change.
    _decide(staff, request_id, {ids["separate_room"]: ("approved", "A new letter came.")})
    [change] = _events(app, db, "accommodation.decision_changed")
    assert change.data["previous"] == "denied" and change.data["decision"] == "approved"


def test_the_queue_is_oldest_first(app, db, client, new_client, clock, create_user, staff):
    for name in ("First Waiting", "Second Waiting"):
        browser = new_client()
        sign_in(browser, _candidate(app, db, clock, create_user, name=name).email)
        assert browser.submit("/exam/accommodations", _request_form()).status_code == 302
        clock.advance(days=1)
    queue = staff.get("/staff/accommodations").get_data(as_text=True)
    assert queue.index("First Waiting") < queue.index("Second Waiting")
    assert "1 day" in queue and "2 requests waiting" in queue


def test_approved_time_and_break_apply_at_admission_after_the_notice(app, db, clock, full_bank, staff, requested):
    from lms.exam.sitting import admit

    user, request_id = requested
    ids = _item_ids(app, db, request_id)
    _decide(staff, request_id, {ids["extra_time"]: ("approved", "ok"), ids["extra_breaks"]: ("approved", "ok"),
                                ids["separate_room"]: ("denied", "not named")})
    clock.advance(days=2)
    with app.test_request_context():
        with pytest.raises(DomainError) as early:
            scheduling.book(db.session.merge(user), _session(db, clock(), days=27), "en", clock())  # day 29
        assert early.value.code == "accommodation_notice"
        db.session.rollback()
        booking = scheduling.book(db.session.merge(user), _session(db, clock(), days=29), "en", clock())  # day 31
        db.session.commit()
        attempt = admit(booking, booking.session.starts_at)
        db.session.commit()
        assert attempt.time_allowed_seconds == EXAM_SECONDS * 1.5
        assert attempt.break_points == [40, 80]   # the scheduled break and one more, spread evenly
        assert attempt.break_seconds == 600 and attempt.breaks_on_request == 0
        assert summary_labels(attempt) == ["Extra time ×1.5", "1 extra break"]


# -- a sitting under way ----------------------------------------------------------------------------

def _sitting(app, db, clock, create_user, items):
    """An admitted attempt whose application has one decided request of ``items`` (AccommodationItem kwargs)."""
    from lms.exam.sitting import admit

    user = create_user(Role.TRAINEE)
    with app.test_request_context():
        application = approved_application(db, user.id, clock() - timedelta(days=60))
        upload = Upload(owner_id=user.id, purpose="accommodation", filename="f.pdf", content_type="application/pdf",
                        size=1, sha256="0" * 64, storage_key=f"sitting-{user.id}")
        request = AccommodationRequest(application=application, status="decided", upload=upload,
                                       submitted_at=clock() - timedelta(days=40), decided_at=clock())
        request.items.extend(AccommodationItem(**values) for values in items)
        session = ExamSession(mode="center", starts_at=clock(), location="", capacity=5, languages=["en"])
        booking = Booking(session=session, user_id=user.id, language="en", status="booked", booked_at=clock(),
                          application=application)
        db.session.add_all([upload, request, session, booking])
        db.session.flush()
        attempt = admit(booking, clock())
        db.session.commit()
        return request.id, [i.id for i in request.items], attempt.id


def test_a_decision_changed_during_a_sitting_applies_at_once(app, db, clock, full_bank, create_user, staff):
    request_id, (time_item, break_item), attempt_id = _sitting(app, db, clock, create_user, [
        dict(kind="extra_time", multiplier=1.5, decision="denied", reason="no"),
        dict(kind="extra_breaks", count=1, decision="approved", reason="yes")])
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.time_allowed_seconds == EXAM_SECONDS and attempt.time_changed_at is None
    review = staff.get(f"/staff/accommodations/{request_id}").get_data(as_text=True)
    assert "sitting the exam now" in review
    clock.advance(minutes=30)
    assert _decide(staff, request_id, {time_item: ("approved", "Reviewed again")}).status_code == 302
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.time_allowed_seconds == EXAM_SECONDS * 1.5
        assert attempt.time_changed_at == clock()
        with app.test_request_context():
            assert summary_labels(attempt) == ["Extra time ×1.5", "1 extra break"]
    [applied] = _events(app, db, "accommodation.applied_to_sitting")
    assert applied.object_type == "Attempt" and applied.data["after"]["time_allowed_seconds"] == EXAM_SECONDS * 1.5
    # Withdrawn late in the sitting: less time, but never below what is used and never ending at once.
    clock.advance(minutes=170)   # 200 of 225 minutes used
    _decide(staff, request_id, {time_item: ("denied", "Approved by mistake")})
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.state == "in_progress"
        assert attempt.time_allowed_seconds == 200 * 60 + 25 * 60 * 2 // 3   # the 25 minutes left, scaled by 150/225
        assert attempt.time_changed_at == clock()


def test_denied_items_change_nothing(app, db, clock, full_bank, create_user, staff):
    request_id, (item_id,), attempt_id = _sitting(app, db, clock, create_user, [
        dict(kind="extra_time", multiplier=2.0, decision="denied", reason="no")])
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert (attempt.time_allowed_seconds, attempt.break_points, attempt.accommodations) == (EXAM_SECONDS, [60], [])
        assert plan_for(attempt.booking.application) == Plan()
        # A pending request denied during the sitting: the sitting is untouched.
        request = db.session.get(AccommodationRequest, request_id)
        pending = AccommodationRequest(application=request.application, status="pending", upload=request.upload,
                                       submitted_at=clock())
        pending.items.append(AccommodationItem(kind="separate_room"))
        db.session.add(pending)
        db.session.commit()
        pending_id, pending_item = pending.id, pending.items[0].id
    clock.advance(minutes=5)
    assert _decide(staff, pending_id, {pending_item: ("denied", "Not named")}).status_code == 302
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.time_allowed_seconds == EXAM_SECONDS and attempt.time_changed_at is None
        assert attempt.accommodations == []
    assert _events(app, db, "accommodation.applied_to_sitting") == []


# -- what proctors see, and who may see what ---------------------------------------------------------

def test_the_proctor_summary_never_shows_the_details(app, db, clock, full_bank, create_user, staff):
    request_id, _ids, attempt_id = _sitting(app, db, clock, create_user, [
        dict(kind="extra_time", multiplier=1.5, decision="approved", detail=MEDICAL),
        dict(kind="extra_breaks", count=2, decision="approved", detail=MEDICAL),
        dict(kind="separate_room", decision="approved", detail=MEDICAL),
        dict(kind="other", decision="approved", detail=MEDICAL)])
    with app.test_request_context():
        attempt = db.session.get(Attempt, attempt_id)
        labels = summary_labels(plan_for(attempt.booking.application))
        assert labels == ["Extra time ×1.5", "2 extra breaks", "Separate room",
                          "Other accommodation (ask certification staff)"]
        assert summary_labels(attempt) == labels
        assert MEDICAL not in str(attempt.accommodations)
        session_id = attempt.booking.session_id
        waiting = create_user(Role.TRAINEE, name="Waiting Candidate")
        application = approved_application(db, waiting.id, clock())
        db.session.add(Booking(session_id=session_id, user_id=waiting.id, language="en", status="booked",
                               booked_at=clock(), application=application))
        db.session.commit()
    roster = staff.get(f"/staff/exam/sessions/{session_id}").get_data(as_text=True)
    assert "Extra time ×1.5" in roster and "2 extra breaks" in roster and "Separate room" in roster
    assert "PTSD" not in roster


def test_candidates_cannot_reach_staff_pages(client, requested):
    _user, request_id = requested
    assert client.get("/staff/accommodations").status_code == 403
    assert client.get(f"/staff/accommodations/{request_id}").status_code == 403
    assert client.submit(f"/staff/accommodations/{request_id}", {}).status_code == 403


def test_a_candidate_cannot_fetch_another_candidates_document(app, db, client, new_client, clock, create_user, staff,
                                                              requested):
    user, request_id = requested
    upload_id = _requests(app, db, user.id)[0].upload_id
    own = client.get(f"/uploads/{upload_id}")
    assert own.status_code == 200 and own.data.startswith(b"%PDF-")
    assert staff.get(f"/uploads/{upload_id}").status_code == 200
    other = new_client()
    sign_in(other, _candidate(app, db, clock, create_user).email)
    assert other.get(f"/uploads/{upload_id}").status_code == 404
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Upload)) == 1
