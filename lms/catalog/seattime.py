"""Self-paced seat time: heartbeats credited by the server's clock, one locked clock per person."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..core.clock import now
from ..core.errors import DomainError
from ..core.policy import setting
from ..extensions import db
from .models import CreditEntry, CreditSource, Enrollment, Lesson, Modality, SeatClock
from .services import _require_active, update_completion

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


def _lesson_seconds(clock: SeatClock, lesson: Lesson) -> int:
    """Credited so far on a lesson: the ledger plus what the clock holds for it."""
    pending = clock.pending_seconds if clock.lesson_id == lesson.id else 0
    return _ledger_seconds(clock.user_id, lesson.id) + pending
