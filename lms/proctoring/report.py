"""The session report: attendance, admissions, times, the proctors' actions and incidents, and the lead
proctor's sign-off. One set of rows feeds the page, the CSV and the PDF."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime

from flask import render_template
from flask_babel import format_datetime
from flask_babel import gettext as _
from sqlalchemy import select

from ..core import audit
from ..core.errors import DomainError
from ..core.i18n import current_code, text_direction
from ..exam.models import ExamSession
from ..extensions import db
from . import assignment, checkin, console
from .actions import ACTIONS, REASONS
from .incidents import CATEGORIES
from .models import Incident, ProctorAction


@dataclass
class Report:
    session: ExamSession
    seats: list                 # (booking, state label, name on the application)
    actions: list[ProctorAction]
    incidents: list[Incident]
    counts: dict[str, int]
    lead: object


def build(session: ExamSession) -> Report:
    seats, counts = [], {}
    for booking in sorted(console.seats(session), key=lambda b: (b.user.name.casefold(), b.id)):
        state = console.seat_state(booking)
        counts[state] = counts.get(state, 0) + 1
        seats.append((booking, console.STATES[state], checkin.legal_name(booking)))
    actions = list(db.session.scalars(select(ProctorAction).where(ProctorAction.session_id == session.id)
                                      .order_by(ProctorAction.at, ProctorAction.id)))
    incidents = list(db.session.scalars(select(Incident).where(Incident.session_id == session.id)
                                        .order_by(Incident.occurred_at, Incident.id)))
    return Report(session, seats, actions, incidents, counts, assignment.lead_of(session))


def sign_off(session: ExamSession, actor, note: str, at: datetime) -> None:
    """The lead proctor signs the report once; it stays as signed (later changes show in the audit trail)."""
    lead = assignment.lead_of(session)
    if lead is None or lead.id != actor.id:
        raise DomainError("not_lead", _("Only the session's lead proctor can sign off the report."), status=403)
    if session.signed_off_at is not None:
        raise DomainError("signed", _("This report is already signed off."), status=409)
    open_seats = [b for b in console.seats(session) if b.attempt is not None and b.attempt.state in
                  ("in_progress", "on_break", "paused")]
    if open_seats:
        raise DomainError("still_open", _("Some candidates are still taking the exam. Sign off when every exam "
                                          "has ended."), status=409)
    session.signed_off_by_id, session.signed_off_at, session.sign_off_note = actor.id, at, (note or "").strip()
    audit.record("exam.session_signed_off", session, actor=actor)


def _when(value: datetime | None) -> str:
    return format_datetime(value, "short") if value is not None else ""


def as_csv(report: Report) -> str:
    """One table: a row per candidate, then one per action and per incident (the first column says which)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("Record"), _("Candidate"), _("Status"), _("ID type"), _("Checked in"), _("Started"),
                     _("Ended"), _("Action or category"), _("Reason"), _("Note"), _("By")])
    for booking, label, name in report.seats:
        attempt = booking.attempt
        writer.writerow([_("Candidate"), name, label, str(checkin.ID_TYPES.get(booking.id_type or "", "")),
                         _when(booking.checked_in_at), _when(attempt.started_at if attempt else None),
                         _when(attempt.ended_at if attempt else None), "", "", "", ""])
    for action in report.actions:
        writer.writerow([_("Action"), action.booking.user.name, "", "", "", _when(action.at), "",
                         str(ACTIONS[action.action]), str(REASONS[action.reason]), action.note, action.actor.name])
    for incident in report.incidents:
        writer.writerow([_("Incident"), incident.booking.user.name if incident.booking else "", "", "", "",
                         _when(incident.occurred_at), "", str(CATEGORIES[incident.category]), "",
                         incident.description, incident.reported_by.name])
    return "\ufeff" + out.getvalue()


def pdf(report: Report) -> bytes:
    try:
        from weasyprint import HTML  # imported here: it needs the Pango system library
    except (OSError, ImportError) as error:
        raise DomainError("pdf_unavailable", _("The report cannot be made as a PDF on this server right now. "
                                               "Use the page or the CSV."), 503) from error
    lang = current_code()
    html = render_template("proctoring/report_pdf.html", report=report, lang=lang, text_dir=text_direction(lang))
    return HTML(string=html).write_pdf()
