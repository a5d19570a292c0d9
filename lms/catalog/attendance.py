"""Live sessions and their attendance; every change of credit is a new ledger row."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select

from ..core import audit
from ..core.clock import now
from ..core.errors import DomainError
from ..core.roles import Role
from ..extensions import db
from .models import (Attendance, CreditEntry, CreditSource, Enrollment, EnrollmentStatus, Lesson, LiveSession,
                     Modality, Offering)
from .services import update_completion

def instructor_can_manage(user, offering: Offering) -> bool:
    return any(g.role == Role.INSTRUCTOR and g.provider_id == offering.provider_id for g in user.grants)


def schedule_session(instructor, offering: Offering, lesson: Lesson, starts_at, duration_minutes: int,
                     location: str | None):

    if lesson.module.version_id != offering.version_id or lesson.modality == Modality.SELF_PACED:
        raise DomainError("not_live", _("Choose one of this course's live lessons."))
    if not 0 < duration_minutes <= 12 * 60:
        raise DomainError("bad_duration", _("Enter a duration between 1 and 720 minutes."))
    session = LiveSession(offering_id=offering.id, lesson_id=lesson.id, starts_at=starts_at,
                          duration_minutes=duration_minutes, location=(location or "").strip() or None,
                          created_by_id=instructor.id)
    db.session.add(session)
    db.session.flush()
    audit.record("live_session.created", session, actor=instructor, offering=offering.id, lesson=lesson.id)
    return session


def roster(session) -> list[Enrollment]:
    return db.session.scalars(select(Enrollment).where(
        Enrollment.offering_id == session.offering_id, Enrollment.status != EnrollmentStatus.WITHDRAWN)
        .join(Enrollment.user).order_by(func.lower(db.text("users.name")))).all()


def record_attendance(instructor, session, marks: dict[int, tuple[bool, int]]) -> int:
    """Save present/absent and minutes per enrolment; the ledger gets the difference from before.

    Saving again corrects: a new ledger row for the change, never an edit of an earlier one.
    Returns how many people's credit changed.
    """

    enrolled = {e.id: e for e in roster(session)}
    changed = 0
    for enrollment_id, (present, minutes) in marks.items():
        enrollment = enrolled.get(enrollment_id)
        if enrollment is None:
            raise DomainError("not_on_roster", _("Someone in the list is not enrolled in this course."))
        if not 0 <= minutes <= session.duration_minutes:
            raise DomainError("bad_minutes", _("Minutes present must be between 0 and %(n)d.",
                                               n=session.duration_minutes))
        minutes = minutes if present else 0
        record = db.session.scalar(select(Attendance).where(Attendance.session_id == session.id,
                                                            Attendance.enrollment_id == enrollment_id))
        if record is None:
            record = Attendance(session_id=session.id, enrollment_id=enrollment_id, present=present,
                                minutes=minutes, recorded_by_id=instructor.id)
            db.session.add(record)
        record.present, record.minutes = present, minutes
        record.recorded_by_id, record.recorded_at = instructor.id, now()
        already = db.session.scalar(select(func.coalesce(func.sum(CreditEntry.seconds), 0)).where(
            CreditEntry.enrollment_id == enrollment_id, CreditEntry.live_session_id == session.id)) or 0
        delta = minutes * 60 - already
        if delta:
            db.session.add(CreditEntry(
                user_id=enrollment.user_id, enrollment_id=enrollment_id, module_id=session.lesson.module_id,
                lesson_id=session.lesson_id, live_session_id=session.id, competency=session.lesson.module.competency,
                source=CreditSource.LIVE, seconds=delta, credited_at=now(), recorded_by_id=instructor.id,
                evidence={"session": session.id, "correction": bool(already)}))
            changed += 1
            db.session.flush()
            update_completion(enrollment)
    db.session.flush()
    audit.record("attendance.recorded", session, actor=instructor, changed=changed, marked=len(marks))
    return changed
