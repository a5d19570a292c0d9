"""The candidate's path before the sitting: the application, its documents, accommodations and retake requests."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.clock import now
from ..core.database import UTCDateTime
from ..extensions import db


class Upload(db.Model):
    """A document a person sent (diploma, training certificate, provider's form), stored outside the web root."""

    __tablename__ = "uploads"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", name="fk_uploads_owner"), index=True)
    purpose: Mapped[str] = mapped_column(String(32))          # diploma | training | accommodation
    filename: Mapped[str] = mapped_column(String(200))        # as the person named it, for the download
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(64), unique=True)   # the file's name on disk; random
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)


class Application(db.Model):
    """An application to certify. Approval opens the window in which the candidate must test."""

    __tablename__ = "applications"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", name="fk_applications_user"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    # draft | submitted | returned | approved | rejected
    legal_name: Mapped[str] = mapped_column(String(200), default="")
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    education: Mapped[str] = mapped_column(String(16), default="")          # diploma | ged
    education_upload_id: Mapped[int | None] = mapped_column(ForeignKey("uploads.id", name="fk_applications_education"))
    lived_experience: Mapped[str] = mapped_column(String(16), default="")   # consumer | family
    willing_to_share: Mapped[bool] = mapped_column(Boolean, default=False)
    dedication: Mapped[str] = mapped_column(Text, default="")
    training_source: Mapped[str] = mapped_column(String(16), default="")    # platform | external
    training_upload_id: Mapped[int | None] = mapped_column(ForeignKey("uploads.id", name="fk_applications_training"))
    ethics_version: Mapped[str | None] = mapped_column(String(32))
    ethics_signature: Mapped[str | None] = mapped_column(String(200))      # the name typed as a signature
    ethics_signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    funded: Mapped[bool] = mapped_column(Boolean, default=False)            # a scholarship pays the sitting
    retake_preapproved: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", name="fk_applications_decided_by"))
    decision_note: Mapped[str] = mapped_column(Text, default="")
    window_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    window_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user = relationship("User", foreign_keys=[user_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])
    education_upload: Mapped[Upload | None] = relationship(foreign_keys=[education_upload_id])
    training_upload: Mapped[Upload | None] = relationship(foreign_keys=[training_upload_id])
    accommodation_requests: Mapped[list[AccommodationRequest]] = relationship(
        back_populates="application", order_by="AccommodationRequest.id")
    retake_requests: Mapped[list[RetakeRequest]] = relationship(back_populates="application",
                                                                order_by="RetakeRequest.id")


class AccommodationRequest(db.Model):
    __tablename__ = "accommodation_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", name="fk_accommodation_requests_app"),
                                                index=True)
    status: Mapped[str] = mapped_column(String(16), default="pending")   # pending | decided | withdrawn
    upload_id: Mapped[int] = mapped_column(ForeignKey("uploads.id", name="fk_accommodation_requests_upload"))
    note: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    application: Mapped[Application] = relationship(back_populates="accommodation_requests")
    upload: Mapped[Upload] = relationship()
    items: Mapped[list[AccommodationItem]] = relationship(back_populates="request", order_by="AccommodationItem.id")


class AccommodationItem(db.Model):
    """One accommodation asked for, and staff's decision on it."""

    __tablename__ = "accommodation_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("accommodation_requests.id", name="fk_accommodation_items_req"),
                                            index=True)
    kind: Mapped[str] = mapped_column(String(32))
    multiplier: Mapped[float | None] = mapped_column(Float)     # extra time as a factor (1.25, 1.5, 2)
    minutes: Mapped[int | None] = mapped_column(Integer)        # extra time or break length, in minutes
    count: Mapped[int | None] = mapped_column(Integer)          # extra breaks
    detail: Mapped[str] = mapped_column(Text, default="")
    decision: Mapped[str] = mapped_column(String(16), default="pending")   # pending | approved | denied
    reason: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", name="fk_accommodation_items_decided_by"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    request: Mapped[AccommodationRequest] = relationship(back_populates="items")


class RetakeRequest(db.Model):
    """A request to sit again after a sitting that did not pass; staff decide, a booking uses it."""

    __tablename__ = "retake_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", name="fk_retake_requests_app"),
                                                index=True)
    status: Mapped[str] = mapped_column(String(16), default="pending")   # pending | approved | denied | used
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", name="fk_retake_requests_decided_by"))
    reason: Mapped[str] = mapped_column(Text, default="")
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("exam_bookings.id", name="fk_retake_requests_booking"))

    application: Mapped[Application] = relationship(back_populates="retake_requests")
