"""Issuing certifications, the statuses dates give them, staff status changes, and the daily sweep.

Dates decide the status unless staff suspended or revoked it: active until the period's expiry, then
expired (a late renewal is for staff to decide; reinstatement is open) for ``reinstatement_years``, then
lapsed (only the initial path). Every change is audited and read straight by the public registry.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from sqlalchemy import select

from ..candidates.applications import add_months, completed_core_training
from ..candidates.models import Application
from ..catalog.models import Course, CourseKind, CourseVersion, Enrollment, EnrollmentStatus, Offering
from ..core import audit, mail
from ..core.errors import DomainError
from ..core.policy import setting
from ..exam.models import Attempt, Booking
from ..extensions import db
from .models import Certification, Reminder

DATED = ("active", "expired", "lapsed")   # statuses the calendar moves; suspended and revoked stay until staff act


def dated_status(certification: Certification, at: datetime) -> str:
    if at < certification.expires_at:
        return "active"
    if at < add_months(certification.expires_at, 12 * setting("reinstatement_years")):
        return "expired"
    return "lapsed"


def public_status(certification: Certification, at: datetime) -> str:
    """What the registry shows now: staff's suspension or revocation, else what the dates say (the sweep only
    records it; the registry does not wait for it)."""
    return certification.status if certification.status not in DATED else dated_status(certification, at)


# -- issuing ---------------------------------------------------------------------------------------------

def passed_attempt(application: Application) -> Attempt | None:
    """The application's passed sitting, once its result is released."""
    attempts = db.session.scalars(
        select(Attempt).join(Booking, Attempt.booking_id == Booking.id)
        .where(Booking.application_id == application.id, Attempt.state.in_(("submitted", "expired")),
               Attempt.released_at.is_not(None)).order_by(Attempt.ended_at))
    return next((a for a in attempts if (a.result or {}).get("passed")), None)


def specializations(user) -> list[str]:
    """Slugs of the specialization courses the person completed on the platform."""
    return sorted(set(db.session.scalars(
        select(Course.slug).join(CourseVersion).join(Offering).join(Enrollment)
        .where(Enrollment.user_id == user.id, Enrollment.status == EnrollmentStatus.COMPLETED,
               Course.kind == CourseKind.SPECIALIZATION))))


@dataclass
class Ready:
    application: Application
    attempt: Attempt


def ready_to_issue(limit: int = 200) -> list[Ready]:
    """Approved applications with training done and a released pass, not yet certified."""
    certified = select(Certification.application_id)
    candidates = db.session.scalars(select(Application).where(Application.status == "approved",
                                                              Application.id.not_in(certified))
                                    .order_by(Application.decided_at)).all()
    ready = []
    for application in candidates:
        attempt = passed_attempt(application)
        if attempt is not None and _trained(application):
            ready.append(Ready(application, attempt))
        if len(ready) >= limit:
            break
    return ready


def _trained(application: Application) -> bool:
    # An external certificate was checked by staff when they approved the application.
    return application.training_source == "external" or completed_core_training(application.user)


def issue(application: Application, actor, at: datetime) -> Certification:
    """Certify the applicant: a number, a two-year period from today, the specializations completed."""
    application = db.session.scalars(select(Application).where(Application.id == application.id)
                                     .with_for_update()).one()
    existing = db.session.scalar(select(Certification).where(Certification.application_id == application.id))
    if existing is not None:
        return existing
    attempt = passed_attempt(application)
    if application.status != "approved" or attempt is None:
        raise DomainError("not_ready", _("This application has no released passing result to certify."), status=409)
    if not _trained(application):
        raise DomainError("not_ready", _("The core training is not complete on the record."), status=409)
    certification = Certification(
        user_id=application.user_id, application_id=application.id, attempt_id=attempt.id,
        legal_name=application.legal_name or application.user.name, status="active", issued_at=at,
        period_starts_at=at, expires_at=add_months(at, 12 * setting("certification_years")),
        specializations=specializations(application.user), status_changed_at=at, issued_by_id=getattr(actor, "id", None))
    db.session.add(certification)
    db.session.flush()
    certification.number = f"{setting('certification_number_prefix')}{certification.id:06d}"
    audit.record("certification.issued", certification, actor=actor, number=certification.number,
                 expires=certification.expires_at.isoformat())
    return certification


def issue_on_release(attempt: Attempt, at: datetime) -> None:
    """Called when a passing result is released: certify at once if the policy says so and all is in place."""
    if not setting("certification_auto_issue") or not (attempt.result or {}).get("passed"):
        return
    application = attempt.booking.application
    if application is not None and _trained(application) and passed_attempt(application) is not None:
        issue(application, None, at)


# -- status --------------------------------------------------------------------------------------------

def set_status(certification: Certification, status: str, reason: str, actor, at: datetime) -> None:
    """Staff suspend, revoke, or lift a suspension (the dates then decide again); a reason is required."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("bad_input", _("Give the reason for the change."))
    if status not in ("suspended", "revoked", "restored"):
        raise DomainError("bad_input", _("Choose suspend, revoke or lift the suspension."))
    if certification.status == "revoked":
        raise DomainError("revoked", _("A revoked certification cannot change status."), status=409)
    if status == "restored":
        if certification.status != "suspended":
            raise DomainError("not_suspended", _("This certification is not suspended."), status=409)
        status = dated_status(certification, at)
    change_status(certification, status, reason, actor, at)


def change_status(certification: Certification, status: str, reason: str, actor, at: datetime) -> None:
    before = certification.status
    certification.status, certification.status_changed_at, certification.status_reason = status, at, reason
    audit.record("certification.status_changed", certification, actor=actor, reason=reason, before=before,
                 after=status)


# -- the daily sweep -------------------------------------------------------------------------------------

@dataclass
class SweepResult:
    moved: int = 0
    reminders: int = 0


def sweep(at: datetime) -> SweepResult:
    """Move dated statuses and send the renewal reminders due; running it again does nothing more."""
    result = SweepResult()
    for certification in db.session.scalars(select(Certification).where(Certification.status.in_(DATED))
                                            .with_for_update()):
        status = dated_status(certification, at)
        if status != certification.status:
            change_status(certification, status, "", None, at)
            result.moved += 1
        if status == "active":
            result.reminders += _remind(certification, at)
    return result


def _remind(certification: Certification, at: datetime) -> int:
    """Send the one reminder now due for this period (the latest threshold passed), unless it was sent."""
    left = certification.expires_at - at
    due = [d for d in setting("renewal_reminder_days") if left <= timedelta(days=d)]
    if not due:
        return 0
    days = min(due)
    sent = {r.days for r in certification.reminders if r.expires_at == certification.expires_at}
    if days in sent:
        return 0
    certification.reminders.append(Reminder(expires_at=certification.expires_at, days=days, sent_at=at))
    user = certification.user
    with force_locale(user.locale or "en"):
        mail.send(user.email, _("Your peer support certification expires on %(date)s",
                                date=format_date(certification.expires_at, "long")),
                  _("Your certification %(number)s expires on %(date)s. You can renew it on the platform from "
                    "%(opens)s: attest to your continuing education, sign the current Code of Ethics and submit.",
                    number=certification.number, date=format_date(certification.expires_at, "long"),
                    opens=format_date(renewal_opens(certification), "long")))
    audit.record("certification.reminder_sent", certification, days=days)
    return 1


def renewal_opens(certification: Certification) -> datetime:
    return certification.expires_at - timedelta(days=setting("renewal_window_days"))
