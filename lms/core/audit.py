"""The append-only audit log: who did what to which object, when, from where and why.

Rows are only ever inserted. The ORM refuses to flush a change or deletion of one, and the
database refuses it too (triggers created by the initial migration).
"""
from __future__ import annotations

from datetime import datetime

from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy import JSON, BigInteger, ForeignKey, Integer, String, Text, event
from sqlalchemy.orm import Mapped, Session, mapped_column

from ..extensions import db
from .clock import now
from .database import UTCDateTime


class AppendOnlyError(RuntimeError):
    pass


class AuditEvent(db.Model):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(String(64), index=True)
    object_type: Mapped[str | None] = mapped_column(String(64))
    object_id: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str | None] = mapped_column(Text)
    ip: Mapped[str | None] = mapped_column(String(64))
    data: Mapped[dict | None] = mapped_column(JSON)

    __table_args__ = (db.Index("ix_audit_events_object", "object_type", "object_id"),)


def record(action: str, obj=None, *, reason: str | None = None, actor=None, **data) -> AuditEvent:
    """Add an audit row to the current transaction (committed with the request's work)."""
    if actor is None and has_request_context() and current_user and current_user.is_authenticated:
        actor = current_user
    obj = _unproxied(obj)
    event_row = AuditEvent(
        at=now(),
        actor_id=getattr(actor, "id", None),
        action=action,
        object_type=type(obj).__name__ if obj is not None else None,
        object_id=str(obj.id) if obj is not None and getattr(obj, "id", None) is not None else None,
        reason=reason,
        ip=request.remote_addr if has_request_context() else None,
        data=data or None,
    )
    db.session.add(event_row)
    return event_row


def _unproxied(obj):
    """The object behind a proxy such as ``current_user``, so the log names its real type."""
    get = getattr(obj, "_get_current_object", None)
    return get() if get is not None else obj


@event.listens_for(Session, "before_flush")
def _refuse_changes(session, _context, _instances):
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditEvent) and (obj in session.deleted or session.is_modified(obj)):
            raise AppendOnlyError("audit events cannot be changed or deleted")
