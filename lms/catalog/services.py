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
from .models import (Course, CourseKind, CourseVersion, CreditEntry, CreditSource, Enrollment, EnrollmentStatus,
                     Lesson, Modality, Module, Offering, Question, SeatClock, VersionStatus)


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
    from .models import RefresherPermit

    return db.session.scalar(select(RefresherPermit.id).where(RefresherPermit.user_id == user.id)) is not None


def allow_refresher(staff, user, reason: str):
    from .models import RefresherPermit

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


# Self-paced seat time ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Beat:
    credited_seconds: int     # credited by this heartbeat
    lesson_seconds: int       # credited for this lesson so far (ledger + not yet written)
    cap_seconds: int
    replayed: bool = False


def lesson_cap_seconds(lesson: Lesson) -> int:
    return int(lesson.planned_minutes * 60 * setting("seat_time_cap_factor"))


def _ledger_seconds(user_id: int, lesson_id: int) -> int:
    return db.session.scalar(select(func.coalesce(func.sum(CreditEntry.seconds), 0)).where(
        CreditEntry.user_id == user_id, CreditEntry.lesson_id == lesson_id,
        CreditEntry.source == CreditSource.SELF_PACED)) or 0


def _clock_for(user_id: int) -> SeatClock:
    """The person's seat clock, locked for this transaction (created on first use)."""
    query = select(SeatClock).where(SeatClock.user_id == user_id).with_for_update()
    clock = db.session.scalar(query)
    if clock is None:
        try:
            with db.session.begin_nested():
                db.session.add(SeatClock(user_id=user_id, sequence=0, pending_seconds=0, running=False))
        except IntegrityError:
            pass  # another request created it first
        clock = db.session.scalar(query.execution_options(populate_existing=True))
    return clock


def _flush_pending(clock: SeatClock, everything: bool) -> bool:
    """Write whole minutes (or everything, when the lesson changes or stops) to the ledger."""
    seconds = clock.pending_seconds if everything else clock.pending_seconds - clock.pending_seconds % 60
    if seconds <= 0 or clock.lesson_id is None:
        return False
    lesson = db.session.get(Lesson, clock.lesson_id)
    db.session.add(CreditEntry(
        user_id=clock.user_id, enrollment_id=clock.enrollment_id, module_id=lesson.module_id, lesson_id=lesson.id,
        competency=lesson.module.competency, source=CreditSource.SELF_PACED, seconds=seconds, credited_at=now(),
        evidence={"via": "heartbeat"},
    ))
    clock.pending_seconds -= seconds
    return True


def heartbeat(user, enrollment: Enrollment, lesson: Lesson, page: str, sequence: int, active: bool) -> Beat:
    """Credit the real time since this person's previous heartbeat, by the server's clock.

    - One clock per person: beats from two tabs share it, so time is never counted twice.
    - A beat repeated (same page, same or lower sequence number) credits nothing.
    - At most interval + grace seconds per beat; a beat after a longer silence starts a new stretch.
    - ``active`` false (page hidden or idle) credits the time up to now and stops the clock.
    - Per lesson, credited time stops at planned minutes x the cap factor.
    """
    if enrollment.user_id != user.id:
        raise DomainError("not_enrolled", _("You are not enrolled in this course."), 403)
    _require_active(enrollment)
    if lesson.module.version_id != enrollment.offering.version_id or lesson.modality != Modality.SELF_PACED:
        raise DomainError("not_self_paced", _("Time is only recorded on the self-paced lessons of your course."))

    clock = _clock_for(user.id)
    at = now()
    if clock.page == page and sequence <= clock.sequence:
        return Beat(0, _lesson_seconds(clock, lesson), lesson_cap_seconds(lesson), replayed=True)

    # The time since the previous beat belongs to the lesson the clock was running on.
    earned = 0
    if clock.running and clock.last_beat_at is not None and clock.lesson_id is not None:
        elapsed = (at - clock.last_beat_at).total_seconds()
        longest = setting("heartbeat_interval_seconds") + setting("heartbeat_grace_seconds")
        if 0 < elapsed <= longest:
            running_on = db.session.get(Lesson, clock.lesson_id)
            room = lesson_cap_seconds(running_on) - _lesson_seconds(clock, running_on)
            earned = max(0, min(round(elapsed), room))  # rounding, not truncating: no drift over 80 hours
            clock.pending_seconds += earned

    written_for = db.session.get(Enrollment, clock.enrollment_id) if clock.enrollment_id else None
    if clock.lesson_id != lesson.id or not active:
        wrote = _flush_pending(clock, everything=True)
        clock.lesson_id, clock.enrollment_id = lesson.id, enrollment.id
    else:
        wrote = _flush_pending(clock, everything=False)
    clock.running = active
    clock.last_beat_at = at
    clock.page, clock.sequence = page, sequence
    db.session.flush()
    if wrote and written_for is not None:
        update_completion(written_for)
    return Beat(earned, _lesson_seconds(clock, lesson), lesson_cap_seconds(lesson))


def lesson_seconds(user, lesson: Lesson) -> int:
    """Self-paced time credited to a person on a lesson: the ledger plus their clock's pending part."""
    clock = db.session.get(SeatClock, user.id)
    return _lesson_seconds(clock, lesson) if clock else _ledger_seconds(user.id, lesson.id)


def neighbours(lesson: Lesson) -> tuple[int | None, int | None]:
    """Ids of the lessons before and after this one in its course version (without loading their text)."""
    ids = db.session.scalars(select(Lesson.id).join(Module).where(Module.version_id == lesson.module.version_id)
                             .order_by(Module.position, Lesson.position)).all()
    index = ids.index(lesson.id)
    return (ids[index - 1] if index else None), (ids[index + 1] if index + 1 < len(ids) else None)


def _lesson_seconds(clock: SeatClock, lesson: Lesson) -> int:
    """Credited so far on a lesson: the ledger plus what the clock holds for it."""
    pending = clock.pending_seconds if clock.lesson_id == lesson.id else 0
    return _ledger_seconds(clock.user_id, lesson.id) + pending


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
    from .models import CheckAttempt

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
    from .models import CheckAttempt

    return set(db.session.scalars(select(CheckAttempt.module_id).where(
        CheckAttempt.enrollment_id == enrollment.id, CheckAttempt.passed.is_(True))))


def save_reflection(enrollment: Enrollment, module: Module, text: str):
    from .models import Reflection

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


# Live attendance ---------------------------------------------------------------------------------

def instructor_can_manage(user, offering: Offering) -> bool:
    from ..core.roles import Role

    return any(g.role == Role.INSTRUCTOR and g.provider_id == offering.provider_id for g in user.grants)


def schedule_session(instructor, offering: Offering, lesson: Lesson, starts_at, duration_minutes: int,
                     location: str | None):
    from .models import LiveSession

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
    from .models import Attendance

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


# Transcript and continuing education -----------------------------------------------------------

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
