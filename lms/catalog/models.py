"""Courses as taught: versions loaded from courses/ (or authored), offerings, enrolments, and the hour ledger."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, Boolean, Enum, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.clock import now
from ..core.database import UTCDateTime
from ..extensions import db
from .loader import localised


def _enum(cls, length=24):
    return Enum(cls, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e])


class CourseKind(enum.StrEnum):
    CORE = "core"
    REFRESHER = "refresher"
    SPECIALIZATION = "specialization"
    SUPERVISOR = "supervisor"
    CE = "ce"


class VersionStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    RETIRED = "retired"


class Modality(enum.StrEnum):
    SELF_PACED = "self_paced"
    LIVE_VIRTUAL = "live_virtual"
    IN_PERSON = "in_person"


class EnrollmentStatus(enum.StrEnum):
    ACTIVE = "active"
    COMPLETED = "completed"
    WITHDRAWN = "withdrawn"


class CreditSource(enum.StrEnum):
    SELF_PACED = "self_paced"
    LIVE = "live"
    ADJUSTMENT = "adjustment"


class Localised:
    """Mixin: ``text(field, lang)`` reads a {language: text} column with English as fallback."""

    def text(self, name: str, lang: str) -> str:
        return localised(getattr(self, name), lang)


class Course(db.Model):
    __tablename__ = "courses"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    kind: Mapped[CourseKind] = mapped_column(_enum(CourseKind))
    ce_category: Mapped[str | None] = mapped_column(String(24))
    versions: Mapped[list[CourseVersion]] = relationship(back_populates="course", order_by="CourseVersion.number")


class CourseVersion(Localised, db.Model):
    __tablename__ = "course_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    status: Mapped[VersionStatus] = mapped_column(_enum(VersionStatus), default=VersionStatus.DRAFT)
    title: Mapped[dict] = mapped_column(JSON)
    summary: Mapped[dict] = mapped_column(JSON)
    required_minutes: Mapped[int] = mapped_column(Integer)
    languages: Mapped[list] = mapped_column(JSON)
    prerequisites: Mapped[list] = mapped_column(JSON, default=list)
    competencies: Mapped[dict] = mapped_column(JSON, default=dict)  # specialization: key -> title
    source: Mapped[str | None] = mapped_column(String(200))        # "courses/core" when loaded from files
    content_hash: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    course: Mapped[Course] = relationship(back_populates="versions")
    modules: Mapped[list[Module]] = relationship(back_populates="version", order_by="Module.position",
                                                 cascade="all, delete-orphan")

    __table_args__ = (UniqueConstraint("course_id", "number"),)


class Module(Localised, db.Model):
    __tablename__ = "course_modules"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("course_versions.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    key: Mapped[str] = mapped_column(String(80))
    competency: Mapped[str] = mapped_column(String(80))  # "1".."17", or a specialization competency key
    title: Mapped[dict] = mapped_column(JSON)
    objectives: Mapped[dict] = mapped_column(JSON)
    min_minutes: Mapped[int] = mapped_column(Integer)
    reflection: Mapped[dict] = mapped_column(JSON)
    pass_percent: Mapped[int] = mapped_column(Integer)

    version: Mapped[CourseVersion] = relationship(back_populates="modules")
    lessons: Mapped[list[Lesson]] = relationship(back_populates="module", order_by="Lesson.position",
                                                 cascade="all, delete-orphan")
    questions: Mapped[list[Question]] = relationship(back_populates="module", order_by="Question.position",
                                                     cascade="all, delete-orphan")

    @property
    def planned_minutes(self) -> int:
        return sum(lesson.planned_minutes for lesson in self.lessons)

    def objectives_in(self, lang: str) -> list[str]:
        return self.objectives.get(lang) or self.objectives.get("en") or []


class Lesson(Localised, db.Model):
    __tablename__ = "course_lessons"

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("course_modules.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    key: Mapped[str] = mapped_column(String(80))
    modality: Mapped[Modality] = mapped_column(_enum(Modality))
    planned_minutes: Mapped[int] = mapped_column(Integer)
    title: Mapped[dict] = mapped_column(JSON)
    body: Mapped[dict] = mapped_column(JSON, default=dict)
    plan: Mapped[dict] = mapped_column(JSON, default=dict)

    module: Mapped[Module] = relationship(back_populates="lessons")

    @property
    def is_self_paced(self) -> bool:
        return self.modality == Modality.SELF_PACED


class Question(Localised, db.Model):
    __tablename__ = "course_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("course_modules.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    key: Mapped[str] = mapped_column(String(40))
    prompt: Mapped[dict] = mapped_column(JSON)
    options: Mapped[list] = mapped_column(JSON)  # [{key, text: {lang: ...}, feedback: {lang: ...}}]
    answer: Mapped[str] = mapped_column(String(40))

    module: Mapped[Module] = relationship(back_populates="questions")


class Offering(db.Model):
    """A course version offered by a provider, in one language (cohorts and schedules grow in #4)."""

    __tablename__ = "offerings"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("course_versions.id"), index=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"), index=True)
    language: Mapped[str] = mapped_column(String(16), default="en")
    enrolment_open: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    version: Mapped[CourseVersion] = relationship(lazy="joined")
    provider = relationship("Provider", lazy="joined")


class Enrollment(db.Model):
    __tablename__ = "enrollments"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    offering_id: Mapped[int] = mapped_column(ForeignKey("offerings.id"), index=True)
    status: Mapped[EnrollmentStatus] = mapped_column(_enum(EnrollmentStatus), default=EnrollmentStatus.ACTIVE)
    enrolled_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    offering: Mapped[Offering] = relationship(lazy="joined")
    user = relationship("User")

    __table_args__ = (UniqueConstraint("user_id", "offering_id"),)

    @property
    def version(self) -> CourseVersion:
        return self.offering.version


class CreditEntry(db.Model):
    """One credit of training time. The only place time is stored: every total is a sum of these."""

    __tablename__ = "credit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollments.id"))
    module_id: Mapped[int] = mapped_column(ForeignKey("course_modules.id"))
    lesson_id: Mapped[int | None] = mapped_column(ForeignKey("course_lessons.id"))
    live_session_id: Mapped[int | None] = mapped_column(ForeignKey("live_sessions.id"), index=True)
    competency: Mapped[str] = mapped_column(String(80))
    source: Mapped[CreditSource] = mapped_column(_enum(CreditSource))
    seconds: Mapped[int] = mapped_column(Integer)  # negative only for a staff correction
    credited_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    evidence: Mapped[dict | None] = mapped_column(JSON)

    __table_args__ = (
        Index("ix_credit_entries_user", "user_id", "credited_at"),
        Index("ix_credit_entries_enrollment_module", "enrollment_id", "module_id"),
        Index("ix_credit_entries_lesson", "user_id", "lesson_id", "source"),
    )


class SeatClock(db.Model):
    """Where a person's self-paced seat time stands: one row per person, locked on every heartbeat.

    ``pending_seconds`` holds less than a minute not yet written to the ledger.
    """

    __tablename__ = "seat_clocks"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    lesson_id: Mapped[int | None] = mapped_column(ForeignKey("course_lessons.id"))
    enrollment_id: Mapped[int | None] = mapped_column(ForeignKey("enrollments.id"))
    last_beat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    running: Mapped[bool] = mapped_column(Boolean, default=False)
    page: Mapped[str | None] = mapped_column(String(64))   # the page load that sent the last beat
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    pending_seconds: Mapped[int] = mapped_column(Integer, default=0)


class CheckAttempt(db.Model):
    __tablename__ = "check_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollments.id"), index=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("course_modules.id"))
    answers: Mapped[dict] = mapped_column(JSON)
    score_percent: Mapped[int] = mapped_column(Integer)
    passed: Mapped[bool] = mapped_column(Boolean)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)


class Reflection(db.Model):
    __tablename__ = "reflections"

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollments.id"))
    module_id: Mapped[int] = mapped_column(ForeignKey("course_modules.id"))
    text: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    __table_args__ = (UniqueConstraint("enrollment_id", "module_id"),)


class LiveSession(db.Model):
    """A live lesson held at a time for an offering (scheduling screens grow in #4)."""

    __tablename__ = "live_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    offering_id: Mapped[int] = mapped_column(ForeignKey("offerings.id"), index=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("course_lessons.id"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    duration_minutes: Mapped[int] = mapped_column(Integer)
    location: Mapped[str | None] = mapped_column(String(300))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    offering: Mapped[Offering] = relationship(lazy="joined")
    lesson: Mapped[Lesson] = relationship(lazy="joined")


class Attendance(db.Model):
    """Who attended a live session and for how long; its credit is in the ledger, linked by session."""

    __tablename__ = "attendance"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("live_sessions.id"), index=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollments.id"))
    present: Mapped[bool] = mapped_column(Boolean)
    minutes: Mapped[int] = mapped_column(Integer)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    __table_args__ = (UniqueConstraint("session_id", "enrollment_id"),)


class RefresherPermit(db.Model):
    """Staff allow a person to enrol in the refresher (besides a certification lapsed < 4 years)."""

    __tablename__ = "refresher_permits"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    granted_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(Text)
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)


class Certificate(db.Model):
    """A completion certificate: what it says is fixed when issued, and its code can be verified publicly."""

    __tablename__ = "certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollments.id"), unique=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime)
    holder_name: Mapped[str] = mapped_column(String(200))
    course_title: Mapped[dict] = mapped_column(JSON)
    provider_name: Mapped[str] = mapped_column(String(200))
    minutes_by_competency: Mapped[list] = mapped_column(JSON)  # [[competency key, minutes], ...] in module order
    total_minutes: Mapped[int] = mapped_column(Integer)

    enrollment: Mapped[Enrollment] = relationship(lazy="joined")
