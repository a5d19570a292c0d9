"""Certifications: the credential a passed exam earns, its two-year periods, and the reminders sent for it."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.clock import now
from ..core.database import UTCDateTime
from ..extensions import db


class Certification(db.Model):
    """One person's certification. ``status`` is what the public registry shows: active, expired (late renewal
    still possible), lapsed (reinstatement or the initial path), suspended or revoked."""

    __tablename__ = "certifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str | None] = mapped_column(String(16), unique=True)   # set from the id once flushed
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", name="fk_certifications_user"), index=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", name="fk_certifications_application"),
                                                unique=True)   # one certification per application
    attempt_id: Mapped[int] = mapped_column(ForeignKey("exam_attempts.id", name="fk_certifications_attempt"))
    legal_name: Mapped[str] = mapped_column(String(200))   # as on the application: the registry's name
    status: Mapped[str] = mapped_column(String(16), index=True)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime)
    period_starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    specializations: Mapped[list] = mapped_column(JSON, default=list)   # course slugs completed on the platform
    status_changed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status_reason: Mapped[str] = mapped_column(Text, default="")
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", name="fk_certifications_issued_by"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    user = relationship("User", foreign_keys=[user_id])
    application = relationship("Application")
    reminders: Mapped[list[Reminder]] = relationship(back_populates="certification", cascade="all, delete-orphan")


class Reminder(db.Model):
    """A renewal reminder sent for one period's expiry, ``days`` before it; one row each makes sending idempotent."""

    __tablename__ = "certification_reminders"
    __table_args__ = (UniqueConstraint("certification_id", "expires_at", "days", name="uq_certification_reminders"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    certification_id: Mapped[int] = mapped_column(ForeignKey("certifications.id", name="fk_reminders_certification"),
                                                  index=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    days: Mapped[int] = mapped_column(Integer)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)

    certification: Mapped[Certification] = relationship(back_populates="reminders")


class Renewal(db.Model):
    """A renewal of one period: continuing education (from the platform's record and from outside, with
    evidence), the current Code of Ethics signed again, and staff's decision."""

    __tablename__ = "certification_renewals"

    id: Mapped[int] = mapped_column(primary_key=True)
    certification_id: Mapped[int] = mapped_column(ForeignKey("certifications.id", name="fk_renewals_certification"),
                                                  index=True)
    status: Mapped[str] = mapped_column(String(16), index=True)   # submitted | returned | approved | rejected
    late: Mapped[bool] = mapped_column(Boolean, default=False)    # filed after the expiry it renews
    period_expires_at: Mapped[datetime] = mapped_column(UTCDateTime)   # the expiry this renewal continues from
    platform_minutes: Mapped[int] = mapped_column(Integer, default=0)   # CE on the platform's record when filed
    platform_law_minutes: Mapped[int] = mapped_column(Integer, default=0)
    outside: Mapped[list] = mapped_column(JSON, default=list)
    # [{"title", "provider", "completed_on" (ISO date), "minutes", "law_ethics", "upload_id"}]
    ethics_version: Mapped[str] = mapped_column(String(32))
    ethics_signature: Mapped[str] = mapped_column(String(200))
    ethics_signed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", name="fk_renewals_decided_by"))
    decision_note: Mapped[str] = mapped_column(Text, default="")

    certification: Mapped[Certification] = relationship()
    decided_by = relationship("User")

    @property
    def outside_minutes(self) -> int:
        return sum(e["minutes"] for e in self.outside)

    @property
    def outside_law_minutes(self) -> int:
        return sum(e["minutes"] for e in self.outside if e["law_ethics"])
