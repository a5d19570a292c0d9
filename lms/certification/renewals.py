"""Renewal: which path a certificant is on, filing a renewal (continuing education from the platform's record
and from outside with evidence, the current Code of Ethics signed again), and staff's decision, which starts
the next period from the old expiry date."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import select

from ..candidates import uploads
from ..candidates.applications import add_months, same_name
from ..candidates.models import Upload
from ..catalog.records import ce_summary
from ..core import audit
from ..core.errors import DomainError, Invalid
from ..core.policy import setting
from ..extensions import db
from .models import Certification, Renewal
from .service import DATED, change_status, dated_status, public_status, renewal_opens

OPEN = ("submitted", "returned")
ROWS = 5   # outside CE entries the form offers at once
MOST_HOURS = Decimal(40)


@dataclass
class RenewalPath:
    code: str        # not_yet | renew | late | pending | initial | blocked
    message: str
    may_file: bool
    renewal: Renewal | None = None


def current_renewal(certification: Certification) -> Renewal | None:
    """The renewal filed for the period that is ending, if any."""
    return db.session.scalars(select(Renewal).where(Renewal.certification_id == certification.id,
                                                    Renewal.period_expires_at == certification.expires_at)
                              .order_by(Renewal.id.desc())).first()


def path_for(certification: Certification, at: datetime) -> RenewalPath:
    status, renewal = public_status(certification, at), current_renewal(certification)
    if status in ("suspended", "revoked"):
        return RenewalPath("blocked", _("Your certification cannot be renewed while it is %(status)s. Contact "
                                        "certification staff.", status=_status_word(status)), False)
    if status == "lapsed":
        return RenewalPath("initial", _("More than %(years)s years have passed since your certification expired, "
                                        "so it cannot be renewed or reinstated: follow the initial path (training, "
                                        "application and exam).", years=setting("reinstatement_years")), False)
    if renewal is not None and renewal.status == "submitted":
        return RenewalPath("pending", _("Your renewal was sent on %(date)s and is being reviewed.",
                                        date=format_date(renewal.submitted_at, "long")), False, renewal)
    if status == "expired":
        return RenewalPath("late", _("Your certification expired on %(date)s. You can still file a late renewal, "
                                     "which certification staff may accept, or reinstate it with the refresher "
                                     "course, the exam and the Code of Ethics.",
                                     date=format_date(certification.expires_at, "long")), True, renewal)
    opens = renewal_opens(certification)
    if at < opens:
        return RenewalPath("not_yet", _("You can renew from %(date)s.", date=format_date(opens, "long")), False)
    return RenewalPath("renew", _("Renewal is open until your certification expires on %(date)s.",
                                  date=format_date(certification.expires_at, "long")), True, renewal)


def _status_word(status: str) -> str:
    from .labels import STATUSES

    return str(STATUSES[status]).lower()


@dataclass
class Entry:
    """One continuing-education activity taken elsewhere, as the form sends it (and shows it again)."""
    title: str = ""
    provider: str = ""
    completed_on: str = ""
    hours: str = ""
    law_ethics: bool = False
    file: object = None          # a new upload (werkzeug FileStorage) or None
    upload_id: int | None = None  # evidence already kept (from an earlier try)
    filename: str = ""
    errors: dict = field(default_factory=dict)

    def blank(self) -> bool:
        return not (self.title.strip() or self.provider.strip() or self.completed_on.strip() or self.hours.strip()
                    or (self.file is not None and self.file.filename) or self.upload_id)


def _cycle_start(at: datetime) -> date:
    return add_months(at, -12 * setting("ce_cycle_years")).date()


def _check(entry: Entry, user, at: datetime) -> dict | None:
    """The entry as stored, or None with ``entry.errors`` filled; its evidence is kept either way."""
    if entry.file is not None and entry.file.filename:
        try:
            upload = uploads.store(user, "ce_evidence", entry.file)
        except DomainError as error:
            entry.errors["file"] = error.message
        else:
            entry.upload_id, entry.filename = upload.id, upload.filename
    elif entry.upload_id:
        upload = db.session.get(Upload, entry.upload_id)
        if upload is None or upload.owner_id != user.id or upload.purpose != "ce_evidence":
            entry.upload_id = None
        else:
            entry.filename = upload.filename
    if not entry.upload_id and "file" not in entry.errors:
        entry.errors["file"] = _("Attach the certificate or record of this activity (PDF, PNG or JPEG).")
    if not entry.title.strip():
        entry.errors["title"] = _("Enter the name of the course or activity.")
    try:
        done = date.fromisoformat(entry.completed_on.strip())
    except ValueError:
        entry.errors["completed_on"] = _("Enter the date you completed it.")
    else:
        if not _cycle_start(at) <= done <= at.date():
            entry.errors["completed_on"] = _("Only activities completed from %(start)s to today count.",
                                             start=format_date(_cycle_start(at), "long"))
    try:
        hours = Decimal(entry.hours.strip().replace(",", "."))
    except InvalidOperation:
        hours = Decimal(0)
    if not Decimal(0) < hours <= MOST_HOURS:
        entry.errors["hours"] = _("Enter the hours, for example 1.5 (at most %(most)s).", most=int(MOST_HOURS))
    if entry.errors:
        return None
    return {"title": entry.title.strip()[:300], "provider": entry.provider.strip()[:300],
            "completed_on": done.isoformat(), "minutes": int(hours * 60), "law_ethics": bool(entry.law_ethics),
            "upload_id": entry.upload_id}


def totals(certification: Certification, outside: list[dict], at: datetime) -> dict:
    """Minutes of CE in the cycle, from the platform and from outside, against what renewal needs."""
    platform = ce_summary(certification.user, at)
    return {"platform": platform.seconds // 60, "platform_law": platform.law_ethics_seconds // 60,
            "outside": sum(e["minutes"] for e in outside),
            "outside_law": sum(e["minutes"] for e in outside if e["law_ethics"]),
            "required": setting("ce_minutes_per_cycle"), "required_law": setting("ce_law_ethics_minutes")}


def submit(certification: Certification, user, entries: list[Entry], agree: bool, signature: str,
           at: datetime) -> Renewal:
    """File (or file again, after staff returned it) the renewal of the period that is ending."""
    path = path_for(certification, at)
    if not path.may_file:
        raise DomainError(path.code, path.message, status=409)
    errors, outside = {}, []
    for n, entry in enumerate(entries):
        if entry.blank():
            continue
        kept = _check(entry, user, at)
        if kept is None:
            errors[f"entry-{n}"] = _("Correct this activity.")
        else:
            outside.append(kept)
    sums = totals(certification, outside, at)
    if sums["platform"] + sums["outside"] < sums["required"] or \
            sums["platform_law"] + sums["outside_law"] < sums["required_law"]:
        errors["ce"] = _("Renewal needs %(hours)s hours of continuing education in the last %(years)s years, "
                         "%(law)s of them in Law and Ethics. Add the activities you took elsewhere.",
                         hours=sums["required"] // 60, years=setting("ce_cycle_years"),
                         law=sums["required_law"] // 60)
    if not agree:
        errors["agree"] = _("Tick the box to agree to the Code of Ethics.")
    if not same_name(signature, certification.legal_name):
        errors["signature"] = _("Type your full legal name, %(name)s, to sign.", name=certification.legal_name)
    if errors:
        raise Invalid(errors)
    renewal = path.renewal if path.renewal is not None and path.renewal.status == "returned" else None
    if renewal is None:
        renewal = Renewal(certification=certification, period_expires_at=certification.expires_at)
        db.session.add(renewal)
    renewal.status, renewal.late, renewal.outside = "submitted", at >= certification.expires_at, outside
    renewal.platform_minutes, renewal.platform_law_minutes = sums["platform"], sums["platform_law"]
    renewal.ethics_version, renewal.ethics_signature = setting("code_of_ethics_version"), " ".join(signature.split())
    renewal.ethics_signed_at = renewal.submitted_at = at
    renewal.decided_at, renewal.decided_by_id, renewal.decision_note = None, None, ""
    db.session.flush()
    audit.record("certification.renewal_submitted", renewal, actor=user, late=renewal.late,
                 minutes=sums["platform"] + sums["outside"])
    return renewal


def decide(renewal: Renewal, actor, decision: str, note: str, at: datetime) -> None:
    """Approve (the next period runs from the old expiry), return for changes, or reject; a note unless approving."""
    renewal = db.session.scalars(select(Renewal).where(Renewal.id == renewal.id).with_for_update()).one()
    if renewal.status != "submitted":
        raise DomainError("decided", _("This renewal is already decided."), status=409)
    note = (note or "").strip()
    if decision not in ("approve", "return", "reject"):
        raise DomainError("bad_input", _("Choose approve, return or reject."))
    if decision != "approve" and not note:
        raise DomainError("bad_input", _("Write a note the certificant will read."))
    certification = renewal.certification
    renewal.status = {"approve": "approved", "return": "returned", "reject": "rejected"}[decision]
    renewal.decided_at, renewal.decided_by_id, renewal.decision_note = at, actor.id, note
    if decision == "approve":
        certification.period_starts_at = renewal.period_expires_at
        certification.expires_at = add_months(renewal.period_expires_at, 12 * setting("certification_years"))
        if certification.status in DATED and dated_status(certification, at) != certification.status:
            change_status(certification, dated_status(certification, at), f"renewal {renewal.id} approved", actor, at)
    audit.record(f"certification.renewal_{renewal.status}", renewal, actor=actor, reason=note or None,
                 expires=certification.expires_at.isoformat())
