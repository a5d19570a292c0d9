"""Applying to certify: the candidate fills in and submits; staff approve (opening the window), return or reject."""
from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import select

from ..catalog.models import Course, CourseKind, CourseVersion, Enrollment, EnrollmentStatus, Offering
from ..core import audit
from ..core.errors import DomainError, Invalid
from ..core.policy import setting
from ..extensions import db
from . import uploads
from .models import Application

EDUCATION = ("diploma", "ged")
LIVED_EXPERIENCE = ("consumer", "family")
TRAINING_SOURCES = ("platform", "external")
DECISIONS = ("approve", "return", "reject")
EDITABLE = ("draft", "returned")


def add_months(moment: datetime, months: int) -> datetime:
    month = moment.month - 1 + months
    year, month = moment.year + month // 12, month % 12 + 1
    return moment.replace(year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1]))


def age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def completed_core_training(user) -> bool:
    """The platform's ledger shows a completed core course."""
    return db.session.scalar(
        select(Enrollment.id).join(Offering).join(CourseVersion).join(Course)
        .where(Enrollment.user_id == user.id, Enrollment.status == EnrollmentStatus.COMPLETED,
               Course.kind == CourseKind.CORE).limit(1)) is not None


def may_start_new(application: Application | None, at: datetime) -> bool:
    """A new application once the last one is rejected, or its window has closed or been used up."""
    if application is None or application.status == "rejected":
        return True
    if application.status == "approved" and application.window_closes_at and application.window_closes_at <= at:
        return True
    from .eligibility import standing

    return application.status == "approved" and standing(application.user, at).code == "limit_reached"


def start(user, at: datetime) -> Application:
    from .eligibility import current_application

    current = current_application(user)
    if current is not None and not may_start_new(current, at):
        return current
    application = Application(user_id=user.id, status="draft", legal_name=user.name, created_at=at)
    db.session.add(application)
    db.session.flush()
    audit.record("application.started", application, actor=user)
    return application


@dataclass
class Answers:
    """What the form sent, as text, so a refused form shows it again."""

    legal_name: str = ""
    date_of_birth: str = ""
    education: str = ""
    lived_experience: str = ""
    willing_to_share: bool = False
    dedication: str = ""
    training_source: str = ""
    agree: bool = False
    signature: str = ""
    files: dict = field(default_factory=dict)    # field name -> FileStorage


def _parse_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


def same_name(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def save(application: Application, user, answers: Answers, at: datetime, submit: bool) -> None:
    """Keep what was entered; with ``submit``, check everything and send it to staff.

    Raises Invalid with a message per field; what was valid is kept, so the caller commits either way.
    """
    if application.status not in EDITABLE:
        raise DomainError("not_editable", _("This application has been sent and can no longer be changed."), status=409)
    errors: dict[str, str] = {}
    application.legal_name = answers.legal_name.strip()[:200]
    born = _parse_date(answers.date_of_birth) if answers.date_of_birth.strip() else None
    if answers.date_of_birth.strip() and born is None:
        errors["date_of_birth"] = _("Enter your date of birth as year-month-day, for example 1990-04-23.")
    application.date_of_birth = born or application.date_of_birth
    application.education = answers.education if answers.education in EDUCATION else ""
    application.lived_experience = answers.lived_experience if answers.lived_experience in LIVED_EXPERIENCE else ""
    application.willing_to_share = answers.willing_to_share
    application.dedication = answers.dedication.strip()[:4000]
    application.training_source = answers.training_source if answers.training_source in TRAINING_SOURCES else ""
    for name, purpose in (("education_file", "diploma"), ("training_file", "training")):
        file = answers.files.get(name)
        if file is not None and file.filename:
            try:
                stored = uploads.store(user, purpose, file)
            except DomainError as error:
                errors[name] = error.message
            else:
                setattr(application, "education_upload" if purpose == "diploma" else "training_upload", stored)
    if submit:
        for name, message in _missing(application, user, answers, at).items():
            errors.setdefault(name, message)   # an upload's own error says more than "missing"
    if errors:   # what was valid stays saved (the caller commits); the form shows the rest again
        raise Invalid(errors)
    if submit:
        application.ethics_version = setting("code_of_ethics_version")
        application.ethics_signature = " ".join(answers.signature.split())
        application.ethics_signed_at = at
        application.status, application.submitted_at = "submitted", at
        audit.record("application.submitted", application, actor=user, ethics_version=application.ethics_version)
    else:
        audit.record("application.saved", application, actor=user)


def _missing(application: Application, user, answers: Answers, at: datetime) -> dict[str, str]:
    errors = {}
    if not application.legal_name:
        errors["legal_name"] = _("Enter your full legal name, as on your photo ID.")
    minimum = setting("minimum_age_years")
    if application.date_of_birth is None:
        errors.setdefault("date_of_birth", _("Enter your date of birth."))
    elif age_on(application.date_of_birth, at.date()) < minimum:
        errors["date_of_birth"] = _("You must be %(years)s or older to apply.", years=minimum)
    if not application.education:
        errors["education"] = _("Choose a high-school diploma or a GED (or equivalent).")
    if application.education_upload_id is None and application.education_upload is None:
        errors.setdefault("education_file", _("Upload a copy of your diploma or GED."))
    if not application.lived_experience:
        errors["lived_experience"] = _("Choose how you identify your lived experience.")
    if not application.willing_to_share:
        errors["willing_to_share"] = _("Peer support means sharing your recovery experience when it helps. "
                                       "Confirm that you are willing to.")
    if len(application.dedication) < 20:
        errors["dedication"] = _("Write a few sentences (at least 20 characters) about your dedication to recovery.")
    if application.training_source == "platform" and not completed_core_training(user):
        errors["training_source"] = _("Your record on this platform does not show a completed core training yet. "
                                      "Finish it, or upload a certificate from another provider.")
    elif application.training_source == "external" and application.training_upload is None \
            and application.training_upload_id is None:
        errors.setdefault("training_file", _("Upload the certificate of completion from your training provider."))
    elif not application.training_source:
        errors["training_source"] = _("Choose where you completed your training.")
    if not answers.agree:
        errors["agree"] = _("Tick the box to agree to the Code of Ethics.")
    if not answers.signature.strip():
        errors["signature"] = _("Type your full legal name to sign.")
    elif not same_name(answers.signature, application.legal_name):
        errors["signature"] = _("Your signature must be your full legal name exactly as you entered it above.")
    return errors


def decide(application: Application, actor, decision: str, note: str, at: datetime) -> None:
    """Staff decide a submitted application; returning and rejecting need a note the candidate will read."""
    if application.status != "submitted":
        raise DomainError("not_submitted", _("Only a submitted application can be decided."), status=409)
    if decision not in DECISIONS:
        raise DomainError("bad_input", _("Choose approve, return or reject."))
    note = note.strip()
    if decision != "approve" and not note:
        raise DomainError("note_required", _("Write a note that tells the candidate why and what to do next."))
    application.decided_at, application.decided_by_id, application.decision_note = at, actor.id, note
    if decision == "approve":
        application.status = "approved"
        application.window_opens_at = at
        application.window_closes_at = add_months(at, setting("application_window_months"))
    else:
        application.status = "returned" if decision == "return" else "rejected"
    audit.record(f"application.{application.status}", application, actor=actor, note=note)


def set_funding(application: Application, actor, funded: bool, retake_preapproved: bool) -> None:
    application.funded, application.retake_preapproved = funded, funded and retake_preapproved
    audit.record("application.funding", application, actor=actor, funded=application.funded,
                 retake_preapproved=application.retake_preapproved)
