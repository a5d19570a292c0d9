"""The sitting: admission, the server's clock, saving answers, the break, submitting, and closing late attempts.

The clock is the server's: time used accumulates while the clock runs and stops during a break.
Saves carry a per-attempt sequence number; one that is not newer than the last applied changes
nothing, so replays and stale retries are harmless.
"""
from __future__ import annotations

import hashlib
import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from ..candidates.accommodations import plan_for
from ..core import audit
from ..core.errors import DomainError
from ..extensions import db
from ..itembank.assembly import AssemblyError, assemble
from ..itembank.delivery import option_for, shuffled_options
from ..itembank.loader import shipped_blueprint
from ..itembank.models import BankItem, ItemVersion
from ..itembank.psychometrics.scoring import Scale, score
from ..itembank.statistics import form_spec, latest_by_item, working_pool
from ..itembank.store import frozen_variant, working_bank
from .models import Attempt, AttemptAnswer, Booking
from .results import release_on_finish

OPEN = ("in_progress", "on_break", "paused")   # paused: by a proctor, the clock stopped
UNCHANGED = object()   # a save that only changes the flag leaves the answer as it is


def _secret() -> bytes:
    return current_app.config["SECRET_KEY"].encode()


# -- the clock --------------------------------------------------------------------------------------

def used_seconds(attempt: Attempt, at: datetime) -> float:
    used = attempt.time_used_seconds
    if attempt.running_since is not None:
        used += max(0.0, (at - attempt.running_since).total_seconds())
    return used


def remaining_seconds(attempt: Attempt, at: datetime) -> int:
    return max(0, math.ceil(attempt.time_allowed_seconds - used_seconds(attempt, at)))


def stop_clock(attempt: Attempt, at: datetime) -> None:
    if attempt.running_since is not None:
        attempt.time_used_seconds = int(round(used_seconds(attempt, at)))
        attempt.running_since = None


def deadline(attempt: Attempt) -> datetime | None:
    """When time runs out if the clock keeps running (None while it is stopped)."""
    if attempt.running_since is None:
        return None
    return attempt.running_since + timedelta(seconds=attempt.time_allowed_seconds - attempt.time_used_seconds)


def _break_end(attempt: Attempt, at: datetime) -> datetime | None:
    """When the break under way ended, if it has by ``at`` (the clock runs again from then)."""
    if attempt.state == "on_break" and attempt.break_started_at is not None:
        end = attempt.break_started_at + timedelta(seconds=attempt.break_seconds)
        if at >= end:
            return end
    return None


def catch_up(attempt: Attempt, at: datetime) -> None:
    """Apply what time has done since the last request: a break that ran out, a deadline that passed."""
    break_end = _break_end(attempt, at)
    if break_end is not None:   # the break is over whether or not the candidate came back: the clock runs again
        attempt.state, attempt.break_started_at, attempt.running_since = "in_progress", None, break_end
    if attempt.state == "in_progress":
        end = deadline(attempt)
        if end is not None and at >= end:
            finish(attempt, end, "time")


def seen_at(attempt: Attempt, at: datetime) -> tuple[str, int]:
    """The state and seconds left that ``catch_up`` would give at ``at``, changing nothing (read-only views)."""
    state, running_since = attempt.state, attempt.running_since
    break_end = _break_end(attempt, at)
    if break_end is not None:
        state, running_since = "in_progress", break_end
    used = attempt.time_used_seconds + (max(0.0, (at - running_since).total_seconds()) if running_since else 0.0)
    left = max(0, math.ceil(attempt.time_allowed_seconds - used))
    return ("expired" if state == "in_progress" and left == 0 else state), left


# -- admission --------------------------------------------------------------------------------------

def admit(booking: Booking, at: datetime, actor=None) -> Attempt:
    """Start the candidate's attempt: assemble and freeze the form and start the clock (again is harmless)."""
    booking = db.session.scalars(select(Booking).where(Booking.id == booking.id).with_for_update()).one()
    if booking.attempt is not None:
        return booking.attempt
    if booking.status != "booked":
        raise DomainError("not_booked", _("This seat is not booked."), status=409)
    blueprint = shipped_blueprint()
    bank = working_bank(blueprint)
    if booking.language not in bank.offerable_languages():
        raise DomainError("language_unavailable", _("The exam cannot be given in this language now."), status=409)
    pool = working_pool(blueprint, bank)
    earlier = db.session.scalars(select(Attempt.form).where(Attempt.user_id == booking.user_id)).all()
    seen_ids = {entry["item"] for form in earlier for entry in form}
    seen = np.flatnonzero(np.isin(pool.ids, list(seen_ids))) if seen_ids else None
    public_id = secrets.token_hex(16)
    rng = np.random.default_rng(int.from_bytes(hashlib.sha256(public_id.encode()).digest()[:8], "big"))
    try:
        chosen = assemble(pool, form_spec(blueprint), rng, seen=seen)
    except AssemblyError as error:
        raise DomainError("assembly_failed", _("A form could not be assembled from the item bank."), status=409) \
            from error
    ids = [str(pool.ids[i]) for i in chosen]
    versions = dict(db.session.execute(select(BankItem.id, BankItem.version).where(BankItem.id.in_(ids))).all())
    plan = plan_for(booking.application)
    allowed = plan.time_allowed_seconds(blueprint.time_minutes)
    attempt = Attempt(public_id=public_id, booking_id=booking.id, user_id=booking.user_id, language=booking.language,
                      state="in_progress", position=0, last_seq=0, time_allowed_seconds=allowed, time_used_seconds=0,
                      running_since=at, break_points=plan.break_points(len(ids), blueprint.break_after_item),
                      breaks_used=0, breaks_on_request=plan.breaks_on_request,
                      break_seconds=plan.break_seconds(blueprint.break_minutes), accommodations=plan.summary(),
                      form=[{"item": i, "version": versions[i], "pretest": bool(pool.pretest[n])} for i, n in zip(ids, chosen)],
                      started_at=at, last_contact_at=at)
    db.session.add(attempt)
    db.session.flush()
    audit.record("exam.admitted", attempt, actor=actor, booking=booking.id, seconds=allowed)
    return attempt


# -- the device that holds the attempt ----------------------------------------------------------------

def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def hold(attempt: Attempt, token: str) -> None:
    """Bind the attempt to the browser with ``token`` on its first request; another browser is refused until
    released."""
    if attempt.device_hash is None:
        attempt.device_hash = _digest(token)
    elif not secrets.compare_digest(attempt.device_hash, _digest(token)):
        raise DomainError("other_device", _("Your exam is open on another device. Ask your proctor to release it, "
                                            "then reload this page."), status=409)


def release(attempt: Attempt) -> None:
    """Let the attempt be held by the next browser that opens it."""
    attempt.device_hash = None


def candidate_back(attempt: Attempt, at: datetime) -> None:
    """The holding browser made a request: an attempt reopened after a technical failure starts its clock now."""
    if attempt.state == "paused" and attempt.resume_on_return:
        resume(attempt, at)


def pause(attempt: Attempt, at: datetime) -> None:
    """Stop the clock until a proctor resumes (a break under way ends here)."""
    catch_up(attempt, at)
    if attempt.state not in ("in_progress", "on_break"):
        raise DomainError("not_running", _("This exam is not under way, so it cannot be paused."), status=409)
    stop_clock(attempt, at)
    attempt.state, attempt.break_started_at, attempt.paused_at = "paused", None, at


def resume(attempt: Attempt, at: datetime) -> None:
    if attempt.state != "paused":
        raise DomainError("not_paused", _("This exam is not paused."), status=409)
    attempt.state, attempt.running_since, attempt.paused_at, attempt.resume_on_return = "in_progress", at, None, False


def extend(attempt: Attempt, seconds: int, at: datetime) -> None:
    catch_up(attempt, at)
    if attempt.state not in OPEN:
        raise DomainError("ended", _("This exam has already ended. Reopen it to give more time."), status=409)
    attempt.time_allowed_seconds += seconds
    attempt.time_changed_at = at


def terminate(attempt: Attempt, at: datetime) -> None:
    """End the attempt for misconduct: it is voided (no score) and counts as a sitting."""
    catch_up(attempt, at)
    if attempt.state not in OPEN:
        raise DomainError("ended", _("This exam has already ended."), status=409)
    stop_clock(attempt, at)
    attempt.state, attempt.ended_at, attempt.result, attempt.released_at = "terminated", at, None, at
    attempt.break_started_at = attempt.paused_at = None


def reopen(attempt: Attempt, extra_seconds: int, at: datetime) -> None:
    """Reopen an attempt that ended by a technical failure: paused until the candidate is back, on any device."""
    if attempt.state not in ("submitted", "expired"):
        raise DomainError("not_ended", _("Only an exam that was submitted or ran out of time can be reopened."),
                          status=409)
    attempt.time_allowed_seconds += extra_seconds
    if attempt.time_allowed_seconds - attempt.time_used_seconds <= 0:
        raise DomainError("no_time_left", _("No time is left on this exam. Give extra minutes to reopen it."),
                          status=409)
    attempt.state, attempt.paused_at, attempt.resume_on_return = "paused", at, True
    attempt.ended_at = attempt.result = attempt.released_at = None
    attempt.running_since, attempt.device_hash = None, None
    if extra_seconds:
        attempt.time_changed_at = at


# -- what the candidate sees -----------------------------------------------------------------------------

def _variant(attempt: Attempt, entry: dict) -> dict:
    return frozen_variant(entry["item"], entry["version"], attempt.language)


@dataclass
class ShownItem:
    position: int
    total: int
    stem: str
    options: list            # [(opaque id, text)] in this attempt's order
    chosen: str | None       # opaque id of the saved answer
    flagged: bool


def answers_by_position(attempt: Attempt) -> dict[int, AttemptAnswer]:
    return {a.position: a for a in attempt.answers}


def shown_item(attempt: Attempt, position: int) -> ShownItem:
    if not 0 <= position < len(attempt.form):
        raise DomainError("not_found", _("There is no such question."), status=404)
    entry = attempt.form[position]
    variant = _variant(attempt, entry)
    texts = {o["id"]: o["text"] for o in variant["options"]}
    order = shuffled_options(_secret(), attempt.public_id, entry["item"], sorted(texts))
    answer = answers_by_position(attempt).get(position)
    chosen = next((tag for tag, oid in order if answer and oid == answer.option), None)
    return ShownItem(position, len(attempt.form), variant["stem"], [(tag, texts[oid]) for tag, oid in order], chosen,
                     bool(answer and answer.flagged))


# -- the candidate's actions -------------------------------------------------------------------------

def must_be_open(attempt: Attempt) -> None:
    """Refuse answering unless the attempt is under way (not on a break, not paused, not ended)."""
    if attempt.state == "paused":
        raise DomainError("paused", _("Your proctor has paused your exam and the clock is stopped. Wait for the "
                                      "proctor to resume it."), status=409)
    if attempt.state == "on_break":
        raise DomainError("on_break", _("You are on your break. Continue the exam to answer questions."), status=409)
    if attempt.state not in OPEN:
        raise DomainError("time_up", _("This exam has ended. Answers saved before the end count."), status=409)


def save(attempt: Attempt, position: int, opaque, flagged: bool | None, seq: int, at: datetime) -> bool:
    """Apply one save; returns False when ``seq`` is not newer than the last applied (nothing changes).

    ``opaque`` is the chosen option's id in this attempt, None to clear the answer, or UNCHANGED.
    """
    catch_up(attempt, at)
    must_be_open(attempt)
    attempt.last_contact_at = at
    if seq <= attempt.last_seq:
        return False
    if not 0 <= position < len(attempt.form):
        raise DomainError("not_found", _("There is no such question."), status=404)
    entry = attempt.form[position]
    option = None
    if opaque is not UNCHANGED and opaque:
        option_ids = sorted(o["id"] for o in _variant(attempt, entry)["options"])
        option = option_for(_secret(), attempt.public_id, entry["item"], option_ids, opaque)
        if option is None:
            raise DomainError("bad_option", _("That answer is not one of this question's options. Reload the page."))
    answer = answers_by_position(attempt).get(position)
    if answer is None:
        answer = AttemptAnswer(attempt=attempt, position=position, option=None, flagged=False, seq=seq, saved_at=at)
        db.session.add(answer)
    if opaque is not UNCHANGED:
        answer.option = option
    if flagged is not None:
        answer.flagged = flagged
    answer.seq, answer.saved_at = seq, at
    attempt.last_seq = seq
    attempt.position = position
    return True


def go_to(attempt: Attempt, position: int, at: datetime) -> None:
    catch_up(attempt, at)
    must_be_open(attempt)
    attempt.position = max(0, min(position, len(attempt.form) - 1))
    attempt.last_contact_at = at


def break_due(attempt: Attempt) -> bool:
    """A scheduled break is offered once the candidate moves past its break point (taken or skipped once)."""
    if attempt.state != "in_progress" or attempt.break_seconds <= 0 or attempt.breaks_used >= len(attempt.break_points):
        return False
    point = attempt.break_points[attempt.breaks_used]
    return 0 < point < len(attempt.form) and attempt.position >= point


def break_on_request(attempt: Attempt) -> bool:
    """An accommodation lets the candidate stop the clock for a break at any question."""
    return attempt.state == "in_progress" and attempt.breaks_on_request > 0 and attempt.break_seconds > 0


def start_break(attempt: Attempt, at: datetime, on_request: bool = False) -> None:
    catch_up(attempt, at)
    if break_due(attempt) and not on_request:
        attempt.breaks_used += 1
    elif on_request and break_on_request(attempt):
        attempt.breaks_on_request -= 1
    else:
        raise DomainError("no_break", _("The break is not available now."), status=409)
    stop_clock(attempt, at)
    attempt.state, attempt.break_started_at = "on_break", at
    audit.record("exam.break_started", attempt, on_request=on_request)


def skip_break(attempt: Attempt, at: datetime) -> None:
    catch_up(attempt, at)
    if break_due(attempt):
        attempt.breaks_used += 1


def end_break(attempt: Attempt, at: datetime) -> None:
    catch_up(attempt, at)
    if attempt.state != "on_break":
        return
    attempt.state, attempt.break_started_at, attempt.running_since = "in_progress", None, at
    audit.record("exam.break_ended", attempt)


def finish(attempt: Attempt, at: datetime, reason: str) -> None:
    """End the attempt (the candidate submitted, or time ran out) and score it."""
    if attempt.state not in OPEN:
        return
    if attempt.state == "paused" and reason == "candidate":
        must_be_open(attempt)
    stop_clock(attempt, at)
    attempt.time_used_seconds = min(attempt.time_used_seconds, attempt.time_allowed_seconds)
    attempt.state = "submitted" if reason == "candidate" else "expired"
    attempt.ended_at = at
    attempt.result = score_attempt(attempt)
    release_on_finish(attempt, at)
    audit.record("exam.ended", attempt, reason=reason, scaled=attempt.result["scaled"], passed=attempt.result["passed"])


def sweep(at: datetime) -> int:
    """Close every attempt whose time has run out, even if its browser never came back."""
    closed = 0
    for attempt in db.session.scalars(select(Attempt).where(Attempt.state.in_(OPEN)).with_for_update()):
        catch_up(attempt, at)
        closed += attempt.state not in OPEN
    return closed


# -- scoring -------------------------------------------------------------------------------------------

def _parameters(item_id: str, irt: dict | None, p_values: dict) -> tuple[float, float]:
    """IRT a and b; while an item is uncalibrated, Rasch with b from its p-value (or 0 without one)."""
    if irt:
        return float(irt["a"]), float(irt["b"])
    p = p_values.get(item_id)
    if p is not None and 0 < p < 1:
        return 1.0, float(np.log((1 - p) / p))
    return 1.0, 0.0


def score_attempt(attempt: Attempt) -> dict:
    blueprint = shipped_blueprint()
    ids = [e["item"] for e in attempt.form]
    frozen = {(v.item_id, v.number): v.snapshot for v in db.session.scalars(
        select(ItemVersion).where(ItemVersion.item_id.in_(ids)))}
    snapshots = [frozen[(e["item"], e["version"])] for e in attempt.form]
    answers = answers_by_position(attempt)
    p_values = {k: v.p for k, v in latest_by_item().items()}
    current = dict(db.session.execute(select(BankItem.id, BankItem.irt)
                                      .where(BankItem.id.in_([e["item"] for e in attempt.form]))).all())
    right = [float(answers.get(n) is not None and answers[n].option == s["key"]) for n, s in enumerate(snapshots)]
    params = [_parameters(s["id"], current.get(s["id"]), p_values) for s in snapshots]
    scale = Scale(**{k: blueprint.scale[k] for k in ("minimum", "maximum", "passing_score", "passing_theta", "slope")})
    report = score(right, [not e["pretest"] for e in attempt.form], [a for a, _b in params], [b for _a, b in params],
                   [s["area"] for s in snapshots], scale)
    return {"raw": report.raw, "scored_items": report.scored_items, "theta": round(report.theta, 4),
            "se": round(report.se, 4), "scaled": report.scaled, "passed": report.passed,
            "scale": {k: blueprint.scale[k] for k in ("minimum", "maximum", "passing_score")},
            "areas": [{"area": a.area, "right": a.right, "items": a.items, "standing": a.standing} for a in report.areas]}


def state_of(attempt: Attempt, at: datetime) -> dict:
    """The attempt as the candidate's page and the API see it (no item content, no keys)."""
    answers = answers_by_position(attempt)
    break_left = None
    if attempt.state == "on_break" and attempt.break_started_at is not None:
        break_left = max(0, math.ceil(attempt.break_seconds - (at - attempt.break_started_at).total_seconds()))
    return {
        "attempt": attempt.public_id, "state": attempt.state, "position": attempt.position, "total": len(attempt.form),
        "answered": sum(1 for a in answers.values() if a.option), "flagged": sorted(p for p, a in answers.items() if a.flagged),
        "unanswered": [p for p in range(len(attempt.form)) if not (answers.get(p) and answers[p].option)],
        "remaining_seconds": remaining_seconds(attempt, at), "clock_running": attempt.running_since is not None,
        "last_seq": attempt.last_seq, "break_due": break_due(attempt), "break_remaining_seconds": break_left,
        "breaks_on_request": attempt.breaks_on_request if attempt.state == "in_progress" else 0,
        "time_allowed_seconds": attempt.time_allowed_seconds,
    }
