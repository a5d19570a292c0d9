"""A person's record: the transcript, and continuing education in the current cycle."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from ..core.clock import now
from ..core.policy import setting
from ..extensions import db
from .models import Course, CourseKind, CourseVersion, CreditEntry, CreditSource, Enrollment, Module, Offering
from .services import passed_modules

@dataclass(frozen=True)
class TranscriptRow:
    enrollment: Enrollment
    module: Module
    seconds_by_source: dict
    check_passed: bool

    @property
    def total_seconds(self) -> int:
        return sum(self.seconds_by_source.values())


def transcript(user) -> list[TranscriptRow]:
    """One row per module of every course the person enrolled in, with seconds per source."""
    enrollments = db.session.scalars(select(Enrollment).where(Enrollment.user_id == user.id)
                                     .order_by(Enrollment.enrolled_at)).all()
    sums: dict[tuple[int, int], dict] = {}
    for enrollment_id, module_id, source, seconds in db.session.execute(
            select(CreditEntry.enrollment_id, CreditEntry.module_id, CreditEntry.source, func.sum(CreditEntry.seconds))
            .where(CreditEntry.user_id == user.id)
            .group_by(CreditEntry.enrollment_id, CreditEntry.module_id, CreditEntry.source)):
        sums.setdefault((enrollment_id, module_id), {})[CreditSource(source)] = int(seconds or 0)
    rows = []
    for enrollment in enrollments:
        passed = passed_modules(enrollment)
        for module in enrollment.version.modules:
            rows.append(TranscriptRow(enrollment, module, sums.get((enrollment.id, module.id), {}), module.id in passed))
    return rows


CE_KINDS = (CourseKind.CE, CourseKind.SPECIALIZATION, CourseKind.SUPERVISOR)


@dataclass(frozen=True)
class CESummary:
    starts: object
    ends: object
    seconds: int
    law_ethics_seconds: int
    required_minutes: int
    law_ethics_required_minutes: int


def ce_summary(user, at=None) -> CESummary:
    """Continuing education credited in the current cycle (the last ``ce_cycle_years`` years).

    CE courses, specializations and supervisor training count; Law & Ethics is the subtotal of CE
    courses in that category. (When certifications arrive, the cycle will start at the certification date.)
    """
    at = at or now()
    years = setting("ce_cycle_years")
    try:
        starts = at.replace(year=at.year - years)
    except ValueError:  # 29 February
        starts = at.replace(year=at.year - years, day=28)
    rows = db.session.execute(
        select(Course.kind, Course.ce_category, func.sum(CreditEntry.seconds))
        .select_from(CreditEntry).join(Enrollment, CreditEntry.enrollment_id == Enrollment.id)
        .join(Offering).join(CourseVersion).join(Course)
        .where(CreditEntry.user_id == user.id, CreditEntry.credited_at > starts, CreditEntry.credited_at <= at,
               Course.kind.in_(CE_KINDS))
        .group_by(Course.kind, Course.ce_category))
    total = law = 0
    for kind, category, seconds in rows:
        total += int(seconds or 0)
        if kind == CourseKind.CE and category == "law_ethics":
            law += int(seconds or 0)
    return CESummary(starts, at, total, law, setting("ce_minutes_per_cycle"), setting("ce_law_ethics_minutes"))
