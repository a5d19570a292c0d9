"""Exam results: when a candidate may see theirs, staff releasing them, and the score report (page and PDF).

A result is visible once ``released_at`` is set: at the end of the sitting when the policy's
``results_release`` is "immediate", otherwise when certification staff release it after review.
Until then nothing about the score leaves the server: not the page, not the PDF, not the API.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..candidates import eligibility
from ..core import audit
from ..core.errors import DomainError
from ..core.i18n import text_direction
from ..core.policy import setting
from ..extensions import db
from ..itembank.labels import AREAS
from ..itembank.loader import shipped_blueprint
from .models import Attempt, Booking

ENDED = ("submitted", "expired")
RECENT = 50   # released results the staff page lists below those awaiting release
_WITH_PERSON = selectinload(Attempt.booking).selectinload(Booking.user)


def release_on_finish(attempt: Attempt, at: datetime) -> None:
    """Called as the sitting ends: the result is visible at once unless the policy wants a review first."""
    if setting("results_release") == "immediate":
        attempt.released_at = at
        _certify(attempt, at)


def _certify(attempt: Attempt, at: datetime) -> None:
    from ..certification.service import issue_on_release   # certification builds on results

    issue_on_release(attempt, at)


def is_released(attempt: Attempt) -> bool:
    return attempt.state in ENDED and attempt.result is not None and attempt.released_at is not None


def release(attempt: Attempt, actor, at: datetime) -> bool:
    """Make one ended attempt's result visible to its candidate; True if this call released it.

    The row is locked first, so two staff releasing together write one release and one audit row.
    """
    attempt = db.session.scalars(select(Attempt).where(Attempt.id == attempt.id).with_for_update()).one()
    if attempt.state not in ENDED:
        raise DomainError("not_ended", _("This exam has not ended yet, so there is no result to release."), status=409)
    return _mark_released(attempt, actor, at)


def release_all(public_ids: list[str], actor, at: datetime) -> int:
    """Release each of these attempts that has ended (others are left as they are); how many were new."""
    if not public_ids:
        return 0
    attempts = db.session.scalars(select(Attempt).where(Attempt.public_id.in_(public_ids), Attempt.state.in_(ENDED))
                                  .order_by(Attempt.id).with_for_update()).all()
    return sum(_mark_released(attempt, actor, at) for attempt in attempts)


def _mark_released(attempt: Attempt, actor, at: datetime) -> bool:
    """On a locked, ended attempt: set the release time once and audit it; again changes nothing."""
    if attempt.released_at is not None:
        return False
    attempt.released_at = at
    audit.record("exam.result_released", attempt, actor=actor, scaled=attempt.result["scaled"],
                 passed=attempt.result["passed"])
    _certify(attempt, at)
    return True


def awaiting_release(limit: int) -> tuple[list[Attempt], int]:
    """Ended attempts whose result staff have not released, oldest first, and how many there are in all."""
    where = (Attempt.state.in_(ENDED), Attempt.released_at.is_(None))
    total = db.session.scalar(select(func.count()).select_from(Attempt).where(*where))
    rows = db.session.scalars(select(Attempt).where(*where).options(_WITH_PERSON)
                              .order_by(Attempt.ended_at).limit(limit)).all()
    return list(rows), total


def recently_released(limit: int = RECENT) -> list[Attempt]:
    return list(db.session.scalars(select(Attempt).where(Attempt.state.in_(ENDED), Attempt.released_at.is_not(None))
                                   .options(_WITH_PERSON).order_by(Attempt.released_at.desc()).limit(limit)))


# -- the score report ------------------------------------------------------------------------------

def standing_label(code: str) -> str:
    return {"above": _("Above the standard"), "near": _("Near the standard"),
            "below": _("Below the standard")}[code]


def standing_explanation(code: str) -> str:
    return {
        "above": _("In this area you did better than a candidate who just meets the passing standard."),
        "near": _("In this area you did about as well as a candidate who just meets the passing standard: the "
                  "difference is too small to say whether you were above or below it."),
        "below": _("In this area you did less well than a candidate who just meets the passing standard. If you sit "
                   "again, study this area first."),
    }[code]


@dataclass
class AreaLine:
    label: str
    standing: str          # above | near | below
    standing_label: str


@dataclass
class ScoreReport:
    """Everything the result page and the PDF show, in the language it was built in."""

    attempt: Attempt
    candidate_name: str
    scaled: int
    passed: bool
    passing_score: int
    minimum: int
    maximum: int
    areas: list[AreaLine]
    terms: list[tuple[str, str, str]]    # (code, label, what it means) for each standing, in words
    standing: eligibility.Standing


def candidate_name(attempt: Attempt) -> str:
    """The legal name on the application the seat was booked under (the name on the ID), else the account's."""
    application = attempt.booking.application
    return application.legal_name if application is not None and application.legal_name else attempt.booking.user.name


def score_report(attempt: Attempt, at: datetime) -> ScoreReport:
    """The released result with the candidate's standing for a retake. Call inside the locale to show it in."""
    if not is_released(attempt):
        raise DomainError("not_released", _("Your result is being reviewed."), status=404)
    result = attempt.result
    scale = result.get("scale") or shipped_blueprint().scale   # the scale the attempt was scored on
    order = list(AREAS)
    areas = sorted(result["areas"], key=lambda a: order.index(a["area"]) if a["area"] in order else len(order))
    return ScoreReport(
        attempt=attempt, candidate_name=candidate_name(attempt), scaled=result["scaled"], passed=result["passed"],
        passing_score=int(scale["passing_score"]), minimum=int(scale["minimum"]), maximum=int(scale["maximum"]),
        areas=[AreaLine(str(AREAS.get(a["area"], a["area"])), a["standing"], standing_label(a["standing"]))
               for a in areas],
        terms=[(code, standing_label(code), standing_explanation(code)) for code in ("above", "near", "below")],
        standing=eligibility.standing(attempt.booking.user, at),
    )


def pdf(attempt: Attempt, at: datetime) -> bytes:
    """The score report as a PDF in the language the exam was taken in, right to left for Arabic and Farsi."""
    try:
        from weasyprint import HTML  # imported here: it needs the Pango system library
    except (OSError, ImportError) as error:  # no Pango, or no WeasyPrint
        raise DomainError("pdf_unavailable", _("The score report cannot be made on this server right now. "
                                               "Please try again later; your result is safe."), 503) from error
    lang = attempt.language
    with force_locale(lang):
        report = score_report(attempt, at)
        html = render_template("exam/result_pdf.html", report=report, lang=lang, text_dir=text_direction(lang))
    return HTML(string=html).write_pdf()
