"""Classical item analysis: p-values, point-biserials, option choice rates, KR-20, and review flags."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

P_LOW, P_HIGH, RPB_LOW = 0.30, 0.89, 0.20


@dataclass(frozen=True)
class ItemStats:
    n: np.ndarray            # persons who saw each item
    p: np.ndarray            # proportion right
    point_biserial: np.ndarray  # corrected: item against the rest of the person's score
    flags: list              # per item: list of flag codes


def _rest_score_proportion(right, observed):
    """Each person's proportion right on the other items they saw (comparable across sparse forms)."""
    total_right = right.sum(axis=1, keepdims=True)
    total_seen = observed.sum(axis=1, keepdims=True)
    rest_seen = total_seen - observed
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(rest_seen > 0, (total_right - right) / rest_seen, np.nan)


def item_statistics(responses) -> ItemStats:
    """Statistics per item from a (persons x items) array of 1/0/NaN; NaN means not presented."""
    responses = np.asarray(responses, dtype=float)
    observed = ~np.isnan(responses)
    right = np.where(observed, responses, 0.0)
    n = observed.sum(axis=0)
    p = np.where(n > 0, right.sum(axis=0) / np.maximum(n, 1), np.nan)
    rest = _rest_score_proportion(right, observed.astype(float))
    rpb = np.full(responses.shape[1], np.nan)
    for j in range(responses.shape[1]):
        seen = observed[:, j] & ~np.isnan(rest[:, j])
        x, y = right[seen, j], rest[seen, j]
        if seen.sum() > 2 and x.std() > 0 and y.std() > 0:
            rpb[j] = float(np.corrcoef(x, y)[0, 1])
    return ItemStats(n=n, p=p, point_biserial=rpb, flags=[flags_for(pj, rj) for pj, rj in zip(p, rpb)])


def flags_for(p: float, rpb: float) -> list[str]:
    flags = []
    if not np.isnan(p) and p < P_LOW:
        flags.append("too_hard")
    if not np.isnan(p) and p > P_HIGH:
        flags.append("too_easy")
    if np.isnan(rpb) or rpb < RPB_LOW:
        flags.append("low_discrimination")
    return flags


def option_rates(choices, option_ids=("a", "b", "c", "d")) -> dict[str, float]:
    """Share of people choosing each option (blank answers count in the denominator)."""
    choices = [c for c in choices]
    total = len(choices) or 1
    return {o: sum(1 for c in choices if c == o) / total for o in option_ids}


def kr20(form_responses) -> float:
    """Kuder-Richardson 20 for one form: everyone answered the same items (no NaN)."""
    x = np.asarray(form_responses, dtype=float)
    k = x.shape[1]
    if k < 2:
        return float("nan")
    p = x.mean(axis=0)
    variance = x.sum(axis=1).var(ddof=0)
    if variance == 0:
        return float("nan")
    return float(k / (k - 1) * (1 - (p * (1 - p)).sum() / variance))
