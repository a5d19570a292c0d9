"""Accommodations: what a candidate may ask for, staff's decisions, and the plan approved ones give every sitting.

The plan is computed from the decisions each time it is needed, so a decision staff change applies
to the next admission, and ``apply_to_open_attempts`` carries it into a sitting already under way.
What a proctor sees (``summary_labels``) names the accommodations only: never the provider's form,
the candidate's details or staff's reasons, which may be medical.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask_babel import format_date, format_decimal, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..core import audit
from ..core.errors import DomainError
from ..core.policy import setting
from ..extensions import db
from .models import AccommodationItem, AccommodationRequest, Application

# kind -> (label, which value it carries: "time" multiplier-or-minutes, "minutes", "count" or None)
KINDS: dict[str, tuple] = {
    "extra_time": (_l("Extra time"), "time"),
    "extra_breaks": (_l("Extra breaks"), "count"),
    "longer_breaks": (_l("Longer breaks"), "minutes"),
    "breaks_stop_clock": (_l("Breaks at any question, with the clock stopped"), "count"),
    "separate_room": (_l("Separate room"), None),
    "human_reader": (_l("Human reader"), None),
    "screen_reader": (_l("Screen reader"), None),
    "zoom": (_l("Zoom, large print or high contrast"), None),
    "other": (_l("Other"), None),
}
MULTIPLIERS = (1.25, 1.5, 2.0)
DECISIONS = ("approved", "denied")
MAY_REQUEST = ("submitted", "approved")   # application statuses from which a candidate may ask


def kind_label(kind: str) -> str:
    return str(KINDS[kind][0]) if kind in KINDS else kind


@dataclass
class Plan:
    """What approved accommodations change in a sitting; the empty plan changes nothing."""

    multiplier: float = 1.0
    extra_minutes: int = 0
    extra_breaks: int = 0
    break_minutes: int | None = None
    breaks_on_request: int = 0
    kinds: list[str] = field(default_factory=list)

    def time_allowed_seconds(self, exam_minutes: int) -> int:
        return round(exam_minutes * 60 * self.multiplier) + self.extra_minutes * 60

    def break_points(self, items: int, scheduled_after: int) -> list[int]:
        """The scheduled break, or with extra breaks all of them spread evenly over the form."""
        if self.extra_breaks <= 0:
            return [scheduled_after] if 0 < scheduled_after < items else []
        breaks = self.extra_breaks + (1 if 0 < scheduled_after < items else 0)
        return sorted({round(items * j / (breaks + 1)) for j in range(1, breaks + 1)})

    def break_seconds(self, scheduled_minutes: int) -> int:
        return max(scheduled_minutes, self.break_minutes or 0) * 60

    def summary(self) -> list[dict]:
        """What a sitting records (attempt.accommodations): kinds and numbers, never the document or details."""
        values = {"extra_time": {"multiplier": self.multiplier, "minutes": self.extra_minutes},
                  "extra_breaks": {"count": self.extra_breaks}, "longer_breaks": {"minutes": self.break_minutes},
                  "breaks_stop_clock": {"count": self.breaks_on_request}}
        return [{"kind": kind, **values.get(kind, {})} for kind in self.kinds]

    @classmethod
    def from_summary(cls, summary) -> Plan:
        """The plan a sitting recorded (the inverse of ``summary``)."""
        plan = cls()
        for entry in summary or ():
            kind = entry.get("kind")
            plan.kinds.append(kind)
            if kind == "extra_time":
                plan.multiplier = float(entry.get("multiplier") or 1.0)
                plan.extra_minutes = int(entry.get("minutes") or 0)
            elif kind == "extra_breaks":
                plan.extra_breaks = int(entry.get("count") or 0)
            elif kind == "longer_breaks":
                plan.break_minutes = entry.get("minutes")
            elif kind == "breaks_stop_clock":
                plan.breaks_on_request = int(entry.get("count") or 0)
        return plan

    def add(self, item: AccommodationItem) -> None:
        """Count one approved item in."""
        if item.kind not in self.kinds:
            self.kinds.append(item.kind)
        if item.kind == "extra_time":
            if item.multiplier:
                self.multiplier = max(self.multiplier, item.multiplier)
            self.extra_minutes += item.minutes or 0
        elif item.kind == "extra_breaks":
            self.extra_breaks += item.count or 1
        elif item.kind == "longer_breaks":
            self.break_minutes = max(self.break_minutes or 0, item.minutes or 0)
        elif item.kind == "breaks_stop_clock":
            self.breaks_on_request += item.count or setting("breaks_on_request_default")


def plan_for(application) -> Plan:
    """The plan from every approved item of the application's decided requests."""
    plan = Plan()
    if application is None:
        return plan
    for request in application.accommodation_requests:
        if request.status != "decided":
            continue
        for item in request.items:
            if item.decision == "approved":
                plan.add(item)
    return plan


# -- what people read -------------------------------------------------------------------------------

def summary_labels(source) -> list[str]:
    """Short translated labels ("Extra time ×1.5", "2 extra breaks", "Separate room") for a Plan, an attempt
    (its recorded accommodations) or a summary list. Never the details, the reasons or the document."""
    if isinstance(source, Plan):
        plan = source
    else:
        plan = Plan.from_summary(getattr(source, "accommodations", source))
    labels = []
    for kind in plan.kinds:
        if kind == "extra_time":
            if plan.multiplier > 1:
                labels.append(_("Extra time ×%(factor)s", factor=format_decimal(plan.multiplier)))
            if plan.extra_minutes:
                labels.append(ngettext("%(num)s extra minute", "%(num)s extra minutes", plan.extra_minutes))
        elif kind == "extra_breaks":
            labels.append(ngettext("%(num)s extra break", "%(num)s extra breaks", plan.extra_breaks))
        elif kind == "longer_breaks" and plan.break_minutes:
            labels.append(ngettext("Breaks of %(num)s minute", "Breaks of %(num)s minutes", plan.break_minutes))
        elif kind == "breaks_stop_clock":
            labels.append(ngettext("%(num)s break at any question, clock stopped",
                                   "%(num)s breaks at any question, clock stopped", plan.breaks_on_request))
        elif kind == "other":
            labels.append(_("Other accommodation (ask certification staff)"))
        else:
            labels.append(kind_label(kind))
    return labels


def kind_labels(items, decision: str | None = None) -> list[str]:
    """The kinds of ``items`` (those with ``decision``, if given) as labels."""
    return [kind_label(i.kind) for i in items if decision is None or i.decision == decision]


def item_label(item: AccommodationItem) -> str:
    """One requested item as a short label with its numbers (what the candidate asked for, not its detail)."""
    numbered = item.kind in ("extra_time", "extra_breaks", "longer_breaks") or (
        item.kind == "breaks_stop_clock" and item.count)
    if not numbered:
        return kind_label(item.kind)
    plan = Plan()
    plan.add(item)
    return " + ".join(summary_labels(plan)) or kind_label(item.kind)


def ready_on(request: AccommodationRequest) -> datetime:
    """The first day a sitting can use what this request asks for."""
    return request.submitted_at + timedelta(days=setting("accommodation_notice_days"))


# -- the candidate's request ------------------------------------------------------------------------

def _seat_too_soon(user, at: datetime):
    """The candidate's booked, not yet finished seat in a session sooner than the notice period, if any."""
    from ..exam.models import Booking, ExamSession
    from ..exam.sitting import OPEN

    soon = at + timedelta(days=setting("accommodation_notice_days"))
    bookings = db.session.scalars(select(Booking).join(ExamSession).where(
        Booking.user_id == user.id, Booking.status == "booked", ExamSession.starts_at < soon)
        .order_by(ExamSession.starts_at)).all()
    return next((b for b in bookings if b.attempt is None or b.attempt.state in OPEN), None)


def request_refusal(user, application: Application | None, at: datetime) -> DomainError | None:
    """Why this candidate cannot send a request now (None when they can)."""
    if application is None or application.status not in MAY_REQUEST:
        return DomainError("apply", _("Apply for certification first: you can request accommodations once your "
                                      "application is submitted."), status=409)
    if any(r.status == "pending" for r in application.accommodation_requests):
        return DomainError("accommodation_pending", _(
            "Your request is being reviewed. Wait for the decision, or withdraw it to send a new one."), status=409)
    booking = _seat_too_soon(user, at)
    if booking is not None:
        return DomainError("accommodation_notice", _(
            "You have a seat booked on %(date)s, less than %(days)s days from now, and accommodations need "
            "%(days)s days' notice. Cancel that booking (you can book a later session once your request is "
            "decided), then send your request.", date=format_date(booking.session.starts_at),
            days=setting("accommodation_notice_days")), status=409)
    return None


def submit_request(user, application: Application | None, items: list[dict], document, note: str,
                   at: datetime) -> AccommodationRequest:
    """Record a request: ``items`` are dicts of AccommodationItem fields (kind, multiplier, minutes, count,
    detail), already checked by the form; ``document`` is the provider's form (a FileStorage)."""
    from .uploads import store

    refusal = request_refusal(user, application, at)
    if refusal is not None:
        raise refusal
    if not items:
        raise DomainError("bad_input", _("Choose at least one accommodation."))
    kinds = [i["kind"] for i in items]
    if any(k not in KINDS for k in kinds) or len(set(kinds)) != len(kinds):
        raise DomainError("bad_input", _("Choose each accommodation once, from the list."))
    upload = store(user, "accommodation", document)   # last: a refused request leaves no file behind
    request = AccommodationRequest(application=application, status="pending", upload=upload, note=note.strip(),
                                   submitted_at=at)
    for values in items:
        request.items.append(AccommodationItem(decision="pending", **values))
    db.session.add(request)
    db.session.flush()
    audit.record("accommodation.requested", request, actor=user, kinds=kinds, upload=upload.id)
    return request


def withdraw_request(user, request: AccommodationRequest, at: datetime) -> None:
    if request.application.user_id != user.id:
        raise DomainError("not_found", _("There is no such request."), status=404)
    if request.status != "pending":
        raise DomainError("decided", _("Only a request that is still being reviewed can be withdrawn."), status=409)
    request.status = "withdrawn"
    request.decided_at = at
    audit.record("accommodation.withdrawn", request, actor=user)


# -- staff's decisions ------------------------------------------------------------------------------

def pending_queue() -> list[AccommodationRequest]:
    """Requests waiting for a decision, oldest first."""
    return list(db.session.scalars(select(AccommodationRequest).where(AccommodationRequest.status == "pending")
                                   .order_by(AccommodationRequest.submitted_at, AccommodationRequest.id)))


def decision_errors(request: AccommodationRequest, choices: dict[int, tuple[str, str]]) -> dict:
    """What is wrong with staff's choices (item id -> message; None -> about the whole form)."""
    if request.status == "withdrawn":
        return {None: _("The candidate withdrew this request; there is nothing to decide.")}
    errors = {}
    changes = 0
    for item in request.items:
        decision, reason = choices.get(item.id, ("", ""))
        if not decision:
            continue
        if decision not in DECISIONS:
            errors[item.id] = _("Choose approve or deny.")
        elif decision != item.decision:
            changes += 1
            if not reason.strip():
                errors[item.id] = _("Give the reason for this decision; the candidate sees it.")
    if not errors and not changes:
        errors[None] = _("Nothing was changed. Choose approve or deny for an item, with the reason.")
    return errors


def decide(request: AccommodationRequest, choices: dict[int, tuple[str, str]], actor,
           at: datetime) -> list[AccommodationItem]:
    """Apply staff's decisions (item id -> (approved|denied, reason)); items left without a choice, or with the
    decision they have, stay as they are. The request is decided once every item is. A change reaches a sitting
    under way at once. Returns the items that changed."""
    request = db.session.scalars(select(AccommodationRequest).where(AccommodationRequest.id == request.id)
                                 .with_for_update().execution_options(populate_existing=True)).one()
    errors = decision_errors(request, choices)
    if errors:
        raise DomainError("bad_input", next(iter(errors.values())))
    changed = []
    for item in request.items:
        decision, reason = choices.get(item.id, ("", ""))
        if not decision or decision == item.decision:
            continue
        previous = item.decision
        item.decision, item.reason = decision, reason.strip()
        item.decided_by_id, item.decided_at = actor.id, at
        action = "accommodation.decided" if previous == "pending" else "accommodation.decision_changed"
        audit.record(action, item, actor=actor, reason=item.reason, request=request.id, kind=item.kind,
                     decision=decision, previous=previous)
        changed.append(item)
    if request.status == "pending" and all(i.decision in DECISIONS for i in request.items):
        request.status, request.decided_at = "decided", at
    db.session.flush()
    apply_to_open_attempts(request.application, at, actor=actor)
    return changed


# -- a sitting under way ----------------------------------------------------------------------------

def apply_to_open_attempts(application: Application, at: datetime, actor=None) -> list:
    """Carry the application's current plan into its sittings under way, at once.

    What changes is the difference between the plan the sitting recorded and the plan now, so time a proctor
    added stays. More time is added in full. Less time (an approval withdrawn) scales the time the candidate
    has left by the new plan's share of the old: time already used is never taken back and the sitting never
    ends at once, it continues at the new pace. A break under way is never cut short before now.
    """
    from ..exam import sitting
    from ..exam.models import Attempt, Booking
    from ..itembank.loader import shipped_blueprint

    attempts = db.session.scalars(select(Attempt).join(Booking, Attempt.booking_id == Booking.id).where(
        Booking.application_id == application.id, Attempt.state.in_(sitting.OPEN))
        .with_for_update(of=Attempt)).all()
    if not attempts:
        return []
    db.session.expire(application, ["accommodation_requests"])
    blueprint = shipped_blueprint()
    plan = plan_for(application)
    changed = []
    for attempt in attempts:
        sitting.catch_up(attempt, at)
        if attempt.state not in sitting.OPEN:
            continue
        old = Plan.from_summary(attempt.accommodations)
        before = _sitting_values(attempt)
        delta = plan.time_allowed_seconds(blueprint.time_minutes) - old.time_allowed_seconds(blueprint.time_minutes)
        if delta > 0:
            attempt.time_allowed_seconds += delta
        elif delta < 0:
            used = sitting.used_seconds(attempt, at)
            left = max(0.0, attempt.time_allowed_seconds - used)
            share = (attempt.time_allowed_seconds + delta) / attempt.time_allowed_seconds
            attempt.time_allowed_seconds = math.ceil(used + left * share)
        if attempt.time_allowed_seconds != before["time_allowed_seconds"]:
            attempt.time_changed_at = at
        attempt.breaks_on_request = max(0, attempt.breaks_on_request + plan.breaks_on_request - old.breaks_on_request)
        break_seconds = plan.break_seconds(blueprint.break_minutes)
        if attempt.state == "on_break" and attempt.break_started_at is not None:
            break_seconds = max(break_seconds, math.ceil((at - attempt.break_started_at).total_seconds()))
        attempt.break_seconds = break_seconds
        attempt.break_points = _break_points(attempt, plan.break_points(len(attempt.form), blueprint.break_after_item))
        attempt.accommodations = plan.summary()
        after = _sitting_values(attempt)
        if after != before:
            audit.record("accommodation.applied_to_sitting", attempt, actor=actor, application=application.id,
                         before=before, after=after)
            changed.append(attempt)
    return changed


def _break_points(attempt, points: list[int]) -> list[int]:
    """Break points already passed stay; the rest follow the new plan, so the sitting has as many as it gives."""
    passed = list(attempt.break_points[:attempt.breaks_used])
    last = passed[-1] if passed else 0
    return passed + [p for p in points if p > last][:max(0, len(points) - len(passed))]


def _sitting_values(attempt) -> dict:
    return {"time_allowed_seconds": attempt.time_allowed_seconds, "break_seconds": attempt.break_seconds,
            "breaks_on_request": attempt.breaks_on_request, "break_points": list(attempt.break_points),
            "accommodations": [dict(e) for e in attempt.accommodations or ()]}
