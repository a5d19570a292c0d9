"""Incident reports: a proctor writes what happened during a session; certification staff review each one."""
from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..core import audit
from ..core.errors import DomainError, Invalid
from ..exam.models import Booking, ExamSession
from ..extensions import db
from .models import Incident

CATEGORIES = {
    "environment": _l("Environment"),
    "candidate": _l("Candidate"),
    "staff": _l("Staff"),
    "technical": _l("Technical"),
}


def report(session: ExamSession, actor, category: str, occurred_at: datetime | None, description: str,
           follow_up: str, booking: Booking | None, at: datetime) -> Incident:
    errors = {}
    if category not in CATEGORIES:
        errors["category"] = _("Choose a category.")
    if occurred_at is None:
        errors["occurred_at"] = _("Enter when it happened.")
    elif occurred_at > at:
        errors["occurred_at"] = _("The time cannot be in the future.")
    if not (description or "").strip():
        errors["description"] = _("Describe what happened.")
    if booking is not None and booking.session_id != session.id:
        errors["booking"] = _("Choose a candidate of this session, or none.")
    if errors:
        raise Invalid(errors)
    incident = Incident(session_id=session.id, booking_id=booking.id if booking else None, category=category,
                        occurred_at=occurred_at, description=description.strip(), follow_up=(follow_up or "").strip(),
                        reported_by_id=actor.id, reported_at=at)
    db.session.add(incident)
    db.session.flush()
    audit.record("exam.incident_reported", incident, actor=actor, category=category)
    return incident


def review(incident: Incident, actor, note: str, at: datetime) -> None:
    if not (note or "").strip():
        raise DomainError("bad_input", _("Write what you decided or did about it."))
    incident.reviewed_by_id, incident.reviewed_at, incident.review_note = actor.id, at, note.strip()
    audit.record("exam.incident_reviewed", incident, actor=actor)

