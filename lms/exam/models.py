"""Exam sessions, seats booked in them, and attempts: the frozen form, the server's clock and the answers."""
from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.clock import now
from ..core.database import UTCDateTime
from ..extensions import db

CODE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"   # no 0/O or 1/I to misread


def new_admission_code() -> str:
    return "".join(secrets.choice(CODE_LETTERS) for _ in range(8))


class ExamSession(db.Model):
    __tablename__ = "exam_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    mode: Mapped[str] = mapped_column(String(16))               # center | online
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    location: Mapped[str] = mapped_column(String(300), default="")
    capacity: Mapped[int] = mapped_column(Integer)
    languages: Mapped[list] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    admission_code: Mapped[str] = mapped_column(String(16), default=new_admission_code)   # online: the proctor shows it
    signed_off_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", name="fk_exam_sessions_signed_off_by"))
    signed_off_at: Mapped[datetime | None] = mapped_column(UTCDateTime)   # the lead proctor signed the report
    sign_off_note: Mapped[str] = mapped_column(Text, default="")

    bookings: Mapped[list[Booking]] = relationship(back_populates="session")
    proctors: Mapped[list[SessionProctor]] = relationship(back_populates="session", cascade="all, delete-orphan")
    signed_off_by = relationship("User", foreign_keys=[signed_off_by_id])


class SessionProctor(db.Model):
    """A proctor assigned to a session; the lead signs the session report."""

    __tablename__ = "exam_session_proctors"
    __table_args__ = (UniqueConstraint("session_id", "user_id", name="uq_exam_session_proctors"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("exam_sessions.id", name="fk_session_proctors_session"),
                                            index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", name="fk_session_proctors_user"), index=True)
    lead: Mapped[bool] = mapped_column(Boolean, default=False)

    session: Mapped[ExamSession] = relationship(back_populates="proctors")
    user = relationship("User")


class Booking(db.Model):
    """A candidate's seat in a session, in the language they chose."""

    __tablename__ = "exam_bookings"
    __table_args__ = (UniqueConstraint("session_id", "user_id", name="uq_exam_bookings_session_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("exam_sessions.id", name="fk_exam_bookings_session"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", name="fk_exam_bookings_user"), index=True)
    language: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="booked")   # booked | cancelled
    booked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id", name="fk_exam_bookings_app"),
                                                       index=True)
    checkin: Mapped[str | None] = mapped_column(String(16))   # None | present | no_show | id_refused
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checked_in_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", name="fk_exam_bookings_checked_in_by"))
    id_type: Mapped[str | None] = mapped_column(String(32))
    id_last: Mapped[str | None] = mapped_column(String(8))       # the last characters of the ID number, no more
    name_matches: Mapped[bool | None] = mapped_column(Boolean)

    session: Mapped[ExamSession] = relationship(back_populates="bookings")
    user = relationship("User", foreign_keys=[user_id])
    application = relationship("Application")
    attempt: Mapped[Attempt | None] = relationship(back_populates="booking", uselist=False)


class Attempt(db.Model):
    """One sitting. The clock: ``time_used_seconds`` plus, while running, the time since ``running_since``."""

    __tablename__ = "exam_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True)   # in URLs and option ids; says nothing
    booking_id: Mapped[int] = mapped_column(ForeignKey("exam_bookings.id", name="fk_exam_attempts_booking"), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", name="fk_exam_attempts_user"), index=True)
    language: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16), index=True)
    # in_progress | on_break | paused | submitted | expired | terminated (ended by a proctor, voided)
    form: Mapped[list] = mapped_column(JSON)                     # [{"item": id, "version": n, "pretest": bool}]
    position: Mapped[int] = mapped_column(Integer, default=0)    # the item the candidate is on (0-based)
    last_seq: Mapped[int] = mapped_column(Integer, default=0)    # the highest save sequence applied
    time_allowed_seconds: Mapped[int] = mapped_column(Integer)
    time_used_seconds: Mapped[int] = mapped_column(Integer, default=0)
    running_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    break_points: Mapped[list] = mapped_column(JSON)             # a break is offered after each of these many items
    breaks_used: Mapped[int] = mapped_column(Integer, default=0)   # break points passed (taken or skipped)
    breaks_on_request: Mapped[int] = mapped_column(Integer, default=0)   # accommodated: breaks at any question
    break_seconds: Mapped[int] = mapped_column(Integer)
    break_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accommodations: Mapped[list] = mapped_column(JSON, default=list)   # the approved accommodations applied
    time_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)   # staff changed the time during the sitting
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime)   # when the result became visible
    device_hash: Mapped[str | None] = mapped_column(String(64))
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime)   # a proctor paused the attempt (the clock stops)
    resume_on_return: Mapped[bool] = mapped_column(Boolean, default=False)   # reopened: the clock restarts on return
    last_contact_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    result: Mapped[dict | None] = mapped_column(JSON)

    booking: Mapped[Booking] = relationship(back_populates="attempt")
    answers: Mapped[list[AttemptAnswer]] = relationship(back_populates="attempt", order_by="AttemptAnswer.position")


class AttemptAnswer(db.Model):
    __tablename__ = "exam_answers"
    __table_args__ = (UniqueConstraint("attempt_id", "position", name="uq_exam_answers_attempt_position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("exam_attempts.id", name="fk_exam_answers_attempt"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    option: Mapped[str | None] = mapped_column(String(8))       # the language-independent option id
    flagged: Mapped[bool] = mapped_column(Boolean, default=False)
    seq: Mapped[int] = mapped_column(Integer)
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime)

    attempt: Mapped[Attempt] = relationship(back_populates="answers")
