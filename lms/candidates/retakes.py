"""Retake requests: after a sitting that did not pass, the candidate asks; staff approve or deny."""
from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _

from ..core import audit
from ..core.errors import DomainError
from ..core.policy import setting
from ..extensions import db
from . import eligibility
from .models import RetakeRequest


def request(user, note: str, at: datetime) -> RetakeRequest:
    state = eligibility.standing(user, at)
    if not state.may_request_retake:
        raise DomainError(state.code, state.message, status=409)
    application = eligibility.lock_application(state.application)
    if any(r.status in ("pending", "approved") for r in application.retake_requests):
        raise DomainError("retake_open", _("You already have a retake request open."), status=409)
    retake = RetakeRequest(application=application, note=note.strip()[:2000], created_at=at, status="pending")
    db.session.add(retake)
    db.session.flush()
    audit.record("retake.requested", retake, actor=user)
    return retake


def decide(retake: RetakeRequest, actor, approve: bool, reason: str, at: datetime) -> None:
    if retake.status != "pending":
        raise DomainError("decided", _("This request has already been decided."), status=409)
    reason = reason.strip()
    if not approve and not reason:
        raise DomainError("reason_required", _("Write the reason the candidate will read."))
    application = retake.application
    if approve and application.funded:
        used = sum(1 for r in application.retake_requests if r.status == "used")
        if not application.retake_preapproved or used >= setting("funded_retakes"):
            raise DomainError("not_preapproved", _("This candidate's scholarship covers a retake only when it is "
                                                   "pre-approved. Record the pre-approval on the application first."),
                              status=409)
    retake.status = "approved" if approve else "denied"
    retake.decided_at, retake.decided_by_id, retake.reason = at, actor.id, reason
    audit.record(f"retake.{retake.status}", retake, actor=actor, reason=reason)
