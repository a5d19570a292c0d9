"""What proctors record: their actions on a candidate's sitting, and incident reports."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.clock import now
from ..core.database import UTCDateTime
from ..extensions import db


class ProctorAction(db.Model):
    """One action on one candidate (pause, extend, ...), with its reason; ``key`` makes a repeat harmless."""

    __tablename__ = "proctor_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("exam_sessions.id", name="fk_proctor_actions_session"),
                                            index=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("exam_bookings.id", name="fk_proctor_actions_booking"),
                                            index=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id", name="fk_proctor_actions_actor"))
    action: Mapped[str] = mapped_column(String(24))
    reason: Mapped[str] = mapped_column(String(32))
    note: Mapped[str] = mapped_column(Text)
    detail: Mapped[dict] = mapped_column(JSON, default=dict)   # e.g. {"minutes": 10} or {"to_session": 4}
    at: Mapped[datetime] = mapped_column(UTCDateTime)

    actor = relationship("User")
    booking = relationship("Booking")


class Incident(db.Model):
    """Something that happened during a session, reported by a proctor and reviewed by certification staff."""

    __tablename__ = "exam_incidents"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("exam_sessions.id", name="fk_exam_incidents_session"),
                                            index=True)
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("exam_bookings.id", name="fk_exam_incidents_booking"))
    category: Mapped[str] = mapped_column(String(16))   # environment | candidate | staff | technical
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    description: Mapped[str] = mapped_column(Text)
    follow_up: Mapped[str] = mapped_column(Text, default="")
    reported_by_id: Mapped[int] = mapped_column(ForeignKey("users.id", name="fk_exam_incidents_reporter"))
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", name="fk_exam_incidents_reviewer"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    review_note: Mapped[str] = mapped_column(Text, default="")

    session = relationship("ExamSession")
    booking = relationship("Booking")
    reported_by = relationship("User", foreign_keys=[reported_by_id])
    reviewed_by = relationship("User", foreign_keys=[reviewed_by_id])
