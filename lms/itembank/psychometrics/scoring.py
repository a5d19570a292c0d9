"""Scoring a sitting: raw score on scored items, ability, the scaled score, pass/fail and area results."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .irt import eap


@dataclass(frozen=True)
class Scale:
    minimum: float
    maximum: float
    passing_score: float
    passing_theta: float
    slope: float

    def scaled(self, theta: float) -> int:
        value = self.passing_score + self.slope * (theta - self.passing_theta)
        return int(round(min(self.maximum, max(self.minimum, value))))


@dataclass(frozen=True)
class AreaResult:
    area: str
    right: int
    items: int
    standing: str  # below | near | above the passing standard


@dataclass(frozen=True)
class ScoreReport:
    raw: int
    scored_items: int
    theta: float
    se: float
    scaled: int
    passed: bool
    areas: tuple[AreaResult, ...]


def score(responses, scored, a, b, areas, scale: Scale) -> ScoreReport:
    """``responses``: 1/0 per form item (NaN unanswered counts as wrong); ``scored``: True for scored items.

    Ability is the EAP estimate from the scored items only, so forms of different difficulty give
    comparable scaled scores; pretest items never count.
    """
    responses = np.nan_to_num(np.asarray(responses, dtype=float), nan=0.0)
    scored = np.asarray(scored, dtype=bool)
    a, b, areas = np.asarray(a, float), np.asarray(b, float), np.asarray(areas)
    theta, se = eap(responses[scored][None, :], a[scored], b[scored])
    theta, se = float(theta[0]), float(se[0])
    report_areas = []
    for area in dict.fromkeys(areas[scored]):
        mask = scored & (areas == area)
        area_theta, area_se = eap(responses[mask][None, :], a[mask], b[mask])
        standing = _standing(float(area_theta[0]), float(area_se[0]), scale.passing_theta)
        report_areas.append(AreaResult(str(area), int(responses[mask].sum()), int(mask.sum()), standing))
    scaled = scale.scaled(theta)
    return ScoreReport(raw=int(responses[scored].sum()), scored_items=int(scored.sum()), theta=theta, se=se,
                       scaled=scaled, passed=scaled >= scale.passing_score, areas=tuple(report_areas))


def _standing(theta: float, se: float, passing_theta: float) -> str:
    """Above or below when the area estimate is more than one standard error from the passing point."""
    if theta - se > passing_theta:
        return "above"
    if theta + se < passing_theta:
        return "below"
    return "near"
