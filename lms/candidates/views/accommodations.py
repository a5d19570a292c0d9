"""Accommodations: the candidate's requests (/exam/accommodations) and staff's queue and review (/staff/...)."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ...core.access import roles_required
from ...core.audit import AuditEvent
from ...core.clock import now
from ...core.errors import DomainError
from ...core.policy import setting
from ...core.roles import Role
from ...extensions import db
from ...itembank.loader import shipped_blueprint
from .. import accommodations as service
from ..blueprint import bp
from ..eligibility import current_application
from ..models import AccommodationRequest

FACTORS = {"1.25": 1.25, "1.5": 1.5, "2": 2.0}
COUNT_LIMIT = 20          # a typing guard on counts, not policy: staff decide what is approved
DETAIL_LIMIT = 2000       # characters in a detail or note
DECIDED_SHOWN = 50        # recently decided requests listed under the queue


# -- candidate ------------------------------------------------------------------------------------

def _whole(value: str | None) -> int | None:
    try:
        return int((value or "").strip())
    except ValueError:
        return None


def parse_request(form) -> tuple[list[dict], dict[str, str]]:
    """The items a candidate's form asks for, and what is wrong (field id -> message)."""
    blueprint = shipped_blueprint()
    chosen = form.getlist("kinds")
    items, errors = [], {}
    for kind, (_label, carries) in service.KINDS.items():
        if kind not in chosen:
            continue
        detail = form.get(f"{kind}-detail", "").strip()
        values = {"kind": kind, "detail": detail}
        if kind == "extra_time":
            mode = form.get("extra_time-mode", "")
            if mode in FACTORS:
                values["multiplier"] = FACTORS[mode]
            elif mode == "minutes":
                minutes = _whole(form.get("extra_time-minutes"))
                if minutes is None or not 1 <= minutes <= blueprint.time_minutes:
                    errors["extra_time-minutes"] = _("Enter the extra minutes as a whole number from 1 to %(max)s.",
                                                     max=blueprint.time_minutes)
                values["minutes"] = minutes
            else:
                errors["extra_time-mode"] = _("Choose how much extra time you need: ×1.25, ×1.5, ×2 or a number of "
                                              "minutes.")
        elif carries == "count":
            raw = form.get(f"{kind}-count", "").strip()
            count = _whole(raw)
            if kind == "extra_breaks" and not raw:
                errors[f"{kind}-count"] = _("Enter how many extra breaks you need.")
            elif raw and (count is None or not 1 <= count <= COUNT_LIMIT):
                errors[f"{kind}-count"] = _("Enter the number of breaks as a whole number from 1 to %(max)s.",
                                            max=COUNT_LIMIT)
            values["count"] = count
        elif carries == "minutes":
            minutes = _whole(form.get(f"{kind}-minutes"))
            if minutes is None or not blueprint.break_minutes < minutes <= blueprint.time_minutes:
                errors[f"{kind}-minutes"] = _(
                    "Enter how long each break should be, in whole minutes: more than the scheduled %(n)s and at "
                    "most %(max)s.", n=blueprint.break_minutes, max=blueprint.time_minutes)
            values["minutes"] = minutes
        if kind == "other" and not detail:
            errors["other-detail"] = _("Describe the accommodation you need.")
        if len(detail) > DETAIL_LIMIT:
            errors[f"{kind}-detail"] = _("Shorten the details to %(n)s characters or fewer.", n=DETAIL_LIMIT)
        items.append(values)
    if not items:
        errors["kinds"] = _("Choose at least one accommodation.")
    if len(form.get("note", "")) > DETAIL_LIMIT:
        errors["note"] = _("Shorten the note to %(n)s characters or fewer.", n=DETAIL_LIMIT)
    return items, errors


def _candidate_page(application, form, errors, status=200):
    refusal = service.request_refusal(current_user, application, now())
    requests = list(reversed(application.accommodation_requests)) if application is not None else []
    return render_template("candidates/accommodations.html", application=application, requests=requests,
                           refusal=refusal, form=form, errors=errors, kinds=service.KINDS, service=service,
                           notice_days=setting("accommodation_notice_days"),
                           max_mb=setting("upload_max_bytes") // (1024 * 1024), blueprint=shipped_blueprint(),
                           factors=[(value, format_decimal(f)) for value, f in FACTORS.items()],
                           detail_limit=DETAIL_LIMIT), status


@bp.route("/exam/accommodations", methods=["GET", "POST"])
@roles_required(Role.TRAINEE)
def accommodations():
    application = current_application(current_user)
    if request.method == "GET":
        return _candidate_page(application, {}, {})
    at = now()
    refusal = service.request_refusal(current_user, application, at)
    if refusal is not None:
        flash(refusal.message, "error")
        return redirect(url_for("candidates.accommodations"))
    items, errors = parse_request(request.form)
    if not errors:
        try:
            service.submit_request(current_user, application, items, request.files.get("document"),
                                   request.form.get("note", ""), at)
        except DomainError as error:
            db.session.rollback()
            errors["document" if error.code in ("missing_file", "empty_file", "file_too_large", "file_type")
                   else "kinds"] = error.message
        else:
            db.session.commit()
            flash(_("Your request is sent. Certification staff will review it; you can book a seat once it is "
                    "decided."), "success")
            return redirect(url_for("candidates.accommodations"))
    if "document" not in errors:
        errors["document-again"] = _("Choose your provider's form again: files are not kept when the form has "
                                     "something to correct.")
    return _candidate_page(application, request.form, errors, 400)


@bp.route("/exam/accommodations/<int:request_id>/withdraw", methods=["POST"])
@roles_required(Role.TRAINEE)
def accommodation_withdraw(request_id: int):
    accommodation = db.get_or_404(AccommodationRequest, request_id)
    try:
        service.withdraw_request(current_user, accommodation, now())
    except DomainError as error:
        db.session.rollback()
        if error.status == 404:
            raise
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("Your request is withdrawn."), "success")
    return redirect(url_for("candidates.accommodations"))


# -- certification staff ------------------------------------------------------------------------------

@bp.route("/staff/accommodations")
@roles_required(Role.ADMIN)
def staff_accommodations():
    from ...exam.models import Booking, ExamSession

    at = now()
    queue = service.pending_queue()
    seats = {}
    for item in queue:
        seats[item.id] = db.session.scalars(select(ExamSession).join(Booking).where(
            Booking.application_id == item.application_id, Booking.status == "booked", ~Booking.attempt.has(),
            ExamSession.starts_at > at).order_by(ExamSession.starts_at)).first()
    decided = db.session.scalars(select(AccommodationRequest).where(AccommodationRequest.status == "decided")
                                 .order_by(AccommodationRequest.decided_at.desc()).limit(DECIDED_SHOWN)).all()
    return render_template("candidates/staff_accommodations.html", queue=queue, decided=decided, seats=seats, at=at,
                           service=service)


def _choices(accommodation: AccommodationRequest) -> dict[int, tuple[str, str]]:
    return {item.id: (request.form.get(f"decision-{item.id}", ""), request.form.get(f"reason-{item.id}", ""))
            for item in accommodation.items}


def _history(accommodation: AccommodationRequest) -> list[AuditEvent]:
    from ...accounts.models import User

    ids = [str(item.id) for item in accommodation.items]
    events = db.session.scalars(select(AuditEvent).where(
        ((AuditEvent.object_type == "AccommodationItem") & AuditEvent.object_id.in_(ids))
        | ((AuditEvent.object_type == "AccommodationRequest") & (AuditEvent.object_id == str(accommodation.id))))
        .order_by(AuditEvent.at, AuditEvent.id)).all()
    names = dict(db.session.execute(select(User.id, User.name).where(
        User.id.in_({e.actor_id for e in events if e.actor_id}))).all())
    return [(event, names.get(event.actor_id)) for event in events]


def _open_sitting(accommodation: AccommodationRequest) -> bool:
    from ...exam.models import Attempt, Booking
    from ...exam.sitting import OPEN

    return db.session.scalar(select(Attempt.id).join(Booking, Attempt.booking_id == Booking.id).where(
        Booking.application_id == accommodation.application_id, Attempt.state.in_(OPEN)).limit(1)) is not None


@bp.route("/staff/accommodations/<int:request_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def staff_accommodation(request_id: int):
    accommodation = db.get_or_404(AccommodationRequest, request_id)
    errors, status = {}, 200
    if request.method == "POST":
        choices = _choices(accommodation)
        errors = service.decision_errors(accommodation, choices)
        if not errors:
            was_pending = accommodation.status == "pending"
            try:
                service.decide(accommodation, choices, current_user, now())
            except DomainError as error:
                db.session.rollback()
                errors = {None: error.message}
            else:
                db.session.commit()
                flash(_("The decisions are saved."), "success")
                if was_pending and accommodation.status == "decided":
                    return redirect(url_for("candidates.staff_accommodations"))
                return redirect(url_for("candidates.staff_accommodation", request_id=accommodation.id))
        status = 400
    return render_template("candidates/staff_accommodation.html", accommodation=accommodation, errors=errors,
                           form=request.form, history=_history(accommodation), service=service,
                           sitting_open=_open_sitting(accommodation), detail_limit=DETAIL_LIMIT), status
