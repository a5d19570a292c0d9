"""Training rules: loading shipped courses, enrolment, seat time, progress."""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..core import audit
from ..core.clock import now
from ..core.errors import DomainError
from ..core.policy import setting
from ..extensions import db
from . import loader
from .models import (CheckAttempt, Course, CourseKind, CourseVersion, CreditEntry, CreditSource, Enrollment,
                     EnrollmentStatus, Lesson, Modality, Module, Offering, Question, Reflection, RefresherPermit,
                     VersionStatus)


# Loading the shipped curriculum ------------------------------------------------------------------

def content_hash(course: loader.Course) -> str:
    return hashlib.sha256(json.dumps(asdict(course), sort_keys=True, default=str).encode()).hexdigest()


def load_shipped(courses: list[loader.Course], source_root: str = "courses") -> list[tuple[str, str]]:
    """Store each course as an approved version; unchanged content is left alone (safe to repeat).

    Changed content becomes a new version: people enrolled on the old one stay on it.
    """
    results = []
    for spec in courses:
        digest = content_hash(spec)
        course = db.session.scalar(select(Course).where(Course.slug == spec.slug))
        if course is None:
            course = Course(slug=spec.slug, kind=CourseKind(spec.kind), ce_category=spec.ce_category)
            db.session.add(course)
            db.session.flush()
        latest = db.session.scalar(select(CourseVersion).where(CourseVersion.course_id == course.id)
                                   .order_by(CourseVersion.number.desc()).limit(1))
        if latest is not None and latest.content_hash == digest:
            results.append((spec.slug, "unchanged"))
            continue
        version = _version_from_spec(course, spec, (latest.number + 1) if latest else 1, digest,
                                     f"{source_root}/{spec.slug}")
        db.session.add(version)
        if latest is not None and latest.status == VersionStatus.APPROVED:
            latest.status = VersionStatus.RETIRED
        db.session.flush()
        audit.record("course.version_loaded", version, slug=spec.slug, number=version.number)
        results.append((spec.slug, f"version {version.number}"))
    return results


def _version_from_spec(course: Course, spec: loader.Course, number: int, digest: str, source: str) -> CourseVersion:
    version = CourseVersion(
        course=course, number=number, status=VersionStatus.APPROVED, title=spec.title, summary=spec.summary,
        required_minutes=spec.required_minutes, languages=list(spec.languages),
        prerequisites=list(spec.prerequisites), competencies=spec.competencies, source=source, content_hash=digest,
    )
    for position, m in enumerate(spec.modules, 1):
        module = Module(position=position, key=m.key, competency=str(m.competency), title=m.title,
                        objectives=m.objectives, min_minutes=m.min_minutes, reflection=m.reflection,
                        pass_percent=m.pass_percent)
        for lp, lesson in enumerate(m.lessons, 1):
            module.lessons.append(Lesson(position=lp, key=lesson.key, modality=Modality(lesson.modality),
                                         planned_minutes=lesson.planned_minutes, title=lesson.title,
                                         body=lesson.body, plan=lesson.plan))
        for qp, q in enumerate(m.questions, 1):
            module.questions.append(Question(
                position=qp, key=q.key, prompt=q.prompt, answer=q.answer,
                options=[{"key": o.key, "text": o.text, "feedback": o.feedback} for o in q.options]))
        version.modules.append(module)
    return version


def offer_latest_versions(provider) -> int:
    """Open an offering of every approved version in each of its languages (demo provider)."""
    created = 0
    versions = db.session.scalars(select(CourseVersion).where(CourseVersion.status == VersionStatus.APPROVED))
    for version in versions:
        for language in version.languages:
            exists = db.session.scalar(select(Offering.id).where(
                Offering.version_id == version.id, Offering.provider_id == provider.id, Offering.language == language))
            if exists is None:
                db.session.add(Offering(version_id=version.id, provider_id=provider.id, language=language))
                created += 1
    db.session.flush()
    return created


# Enrolment ---------------------------------------------------------------------------------------

def completed_course_slugs(user) -> set[str]:
    rows = db.session.execute(
        select(Course.slug).join(CourseVersion).join(Offering).join(Enrollment)
        .where(Enrollment.user_id == user.id, Enrollment.status == EnrollmentStatus.COMPLETED))
    return {slug for (slug,) in rows}


def enrolment_blocker(user, offering: Offering) -> str | None:
    """Why this person cannot enrol in this offering now, in their language; None if they can."""
    if not offering.enrolment_open:
        return _("Enrolment in this course is closed.")
    version = offering.version
    needed = set(version.prerequisites)
    if version.course.kind == CourseKind.SPECIALIZATION and not setting("specialization_requires_core"):
        needed.discard("core")
    if version.course.kind == CourseKind.REFRESHER and not may_take_refresher(user):
        return _("The refresher is for certificants whose certification lapsed less than four years ago. "
                 "Ask certification staff if you think you qualify.")
    missing = needed - completed_course_slugs(user)
    if missing:
        return _("Complete the core training before you enrol in this course.") if missing == {"core"} else \
            _("Complete these courses first: %(courses)s", courses=", ".join(sorted(missing)))
    return None


def may_take_refresher(user) -> bool:
    """Staff have allowed it. (A certification lapsed less than 4 years ago will also allow it: #8.)"""

    return db.session.scalar(select(RefresherPermit.id).where(RefresherPermit.user_id == user.id)) is not None


def allow_refresher(staff, user, reason: str):

    reason = (reason or "").strip()
    if not reason:
        raise DomainError("reason_required", _("Give a reason; it is kept in the audit log."))
    if may_take_refresher(user):
        return
    db.session.add(RefresherPermit(user_id=user.id, granted_by_id=staff.id, reason=reason, granted_at=now()))
    db.session.flush()
    audit.record("refresher.allowed", user, actor=staff, reason=reason)


def enrol(user, offering: Offering) -> Enrollment:
    """Enrol, or return the existing enrolment: a double click or a retry never enrols twice."""
    existing = db.session.scalar(select(Enrollment).where(Enrollment.user_id == user.id,
                                                          Enrollment.offering_id == offering.id))
    if existing is not None:
        return existing
    blocker = enrolment_blocker(user, offering)
    if blocker:
        raise DomainError("enrolment_refused", blocker)
    enrollment = Enrollment(user_id=user.id, offering_id=offering.id, enrolled_at=now())
    try:
        with db.session.begin_nested():
            db.session.add(enrollment)
    except IntegrityError:
        return db.session.scalar(select(Enrollment).where(Enrollment.user_id == user.id,
                                                          Enrollment.offering_id == offering.id))
    audit.record("enrollment.created", enrollment, offering=offering.id)
    return enrollment


# Navigation ------------------------------------------------------------------------------------

def neighbours(lesson: Lesson) -> tuple[int | None, int | None]:
    """Ids of the lessons before and after this one in its course version (without loading their text)."""
    ids = db.session.scalars(select(Lesson.id).join(Module).where(Module.version_id == lesson.module.version_id)
                             .order_by(Module.position, Lesson.position)).all()
    index = ids.index(lesson.id)
    return (ids[index - 1] if index else None), (ids[index + 1] if index + 1 < len(ids) else None)



# Progress ----------------------------------------------------------------------------------------

def credited_seconds_by_module(enrollment: Enrollment) -> dict[int, int]:
    rows = db.session.execute(
        select(CreditEntry.module_id, func.sum(CreditEntry.seconds))
        .where(CreditEntry.enrollment_id == enrollment.id).group_by(CreditEntry.module_id))
    return {module_id: int(total or 0) for module_id, total in rows}


def credited_seconds_by_lesson(enrollment: Enrollment) -> dict[int, int]:
    rows = db.session.execute(
        select(CreditEntry.lesson_id, func.sum(CreditEntry.seconds))
        .where(CreditEntry.enrollment_id == enrollment.id, CreditEntry.lesson_id.is_not(None))
        .group_by(CreditEntry.lesson_id))
    return {lesson_id: int(total or 0) for lesson_id, total in rows}


# Knowledge checks and reflections -------------------------------------------------------------

MAX_REFLECTION_CHARS = 10_000


def grade_check(enrollment: Enrollment, module: Module, answers: dict[str, str]):
    """Score an attempt (retries allowed); every question must be answered with one of its options."""

    _require_active(enrollment)
    missing = [q.key for q in module.questions
               if answers.get(q.key) not in {o["key"] for o in q.options}]
    if missing:
        raise DomainError("unanswered", _("Answer every question, then send your answers again."))
    right = sum(1 for q in module.questions if answers[q.key] == q.answer)
    score = round(100 * right / len(module.questions)) if module.questions else 100
    attempt = CheckAttempt(enrollment_id=enrollment.id, module_id=module.id, submitted_at=now(),
                           answers={q.key: answers[q.key] for q in module.questions},
                           score_percent=score, passed=score >= module.pass_percent)
    db.session.add(attempt)
    db.session.flush()
    if attempt.passed:
        update_completion(enrollment)
    return attempt


def passed_modules(enrollment: Enrollment) -> set[int]:
    """Ids of the modules whose knowledge check this enrolment has passed."""

    return set(db.session.scalars(select(CheckAttempt.module_id).where(
        CheckAttempt.enrollment_id == enrollment.id, CheckAttempt.passed.is_(True))))


def save_reflection(enrollment: Enrollment, module: Module, text: str):

    _require_active(enrollment)
    text = (text or "").strip()
    if not text:
        raise DomainError("empty_reflection", _("Write something before you save your reflection."))
    if len(text) > MAX_REFLECTION_CHARS:
        raise DomainError("reflection_too_long",
                          _("Your reflection is longer than %(n)d characters. Shorten it and save again.",
                            n=MAX_REFLECTION_CHARS))
    reflection = db.session.scalar(select(Reflection).where(Reflection.enrollment_id == enrollment.id,
                                                            Reflection.module_id == module.id))
    if reflection is None:
        reflection = Reflection(enrollment_id=enrollment.id, module_id=module.id, text=text)
        db.session.add(reflection)
    reflection.text = text
    reflection.updated_at = now()
    db.session.flush()
    return reflection


def _require_active(enrollment: Enrollment) -> None:
    if enrollment.status != EnrollmentStatus.ACTIVE:
        raise DomainError("not_active", _("This enrolment is no longer active."))


# Completion ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class ModuleProgress:
    module: Module
    credited_seconds: int
    check_passed: bool

    @property
    def minutes_met(self) -> bool:
        return self.credited_seconds >= self.module.min_minutes * 60

    @property
    def complete(self) -> bool:
        return self.minutes_met and self.check_passed


def module_progress(enrollment: Enrollment) -> list[ModuleProgress]:
    credited = credited_seconds_by_module(enrollment)
    passed = passed_modules(enrollment)
    return [ModuleProgress(m, credited.get(m.id, 0), m.id in passed) for m in enrollment.version.modules]


def update_completion(enrollment: Enrollment) -> bool:
    """Complete the enrolment when every module is complete and the total meets the required hours.

    Called after anything that adds credit or passes a check; completion is never undone by it.
    """
    if enrollment.status != EnrollmentStatus.ACTIVE:
        return enrollment.status == EnrollmentStatus.COMPLETED
    progress = module_progress(enrollment)
    total = sum(p.credited_seconds for p in progress)
    if all(p.complete for p in progress) and total >= enrollment.version.required_minutes * 60:
        enrollment.status = EnrollmentStatus.COMPLETED
        enrollment.completed_at = now()
        audit.record("enrollment.completed", enrollment, actor=enrollment.user, total_seconds=total)
        from .certificates import issue

        issue(enrollment)
        return True
    return False


# Staff adjustments -------------------------------------------------------------------------------

MAX_ADJUSTMENT_MINUTES = 24 * 60


def adjust_credit(staff, enrollment: Enrollment, module: Module, minutes: int, reason: str) -> CreditEntry:
    """A staff correction to a module's credited time: never an edit of earlier rows, always a new one."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("reason_required", _("Give a reason; it is kept in the audit log."))
    if module.version_id != enrollment.offering.version_id:
        raise DomainError("wrong_module", _("That module is not part of this enrolment's course."))
    if minutes == 0 or abs(minutes) > MAX_ADJUSTMENT_MINUTES:
        raise DomainError("bad_minutes", _("Enter a number of minutes between -%(n)d and %(n)d, not zero.",
                                           n=MAX_ADJUSTMENT_MINUTES))
    credited = credited_seconds_by_module(enrollment).get(module.id, 0)
    if credited + minutes * 60 < 0:
        raise DomainError("below_zero", _("A correction cannot take a module below zero minutes."))
    entry = CreditEntry(user_id=enrollment.user_id, enrollment_id=enrollment.id, module_id=module.id,
                        competency=module.competency, source=CreditSource.ADJUSTMENT, seconds=minutes * 60,
                        credited_at=now(), recorded_by_id=staff.id, evidence={"reason": reason})
    db.session.add(entry)
    db.session.flush()
    audit.record("credit.adjusted", enrollment, actor=staff, reason=reason, module=module.id, minutes=minutes)
    update_completion(enrollment)
    return entry
