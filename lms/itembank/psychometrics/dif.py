"""Differential item functioning across languages: Mantel-Haenszel with the ETS A/B/C classes.

Each focal language is compared with English (the reference), matching people on ability. With
linear-on-the-fly forms people see different items, so the matching variable is the proportion right
on the other items they saw, in strata, rather than a raw total.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .classical import _rest_score_proportion

DELTA_SCALE = -2.35


@dataclass(frozen=True)
class DifResult:
    item: int
    alpha: float        # common odds ratio (reference vs focal)
    delta: float        # ETS delta: -2.35 ln(alpha); negative favours the reference group
    se_delta: float
    chi_square: float   # MH chi-square with continuity correction
    category: str       # A (negligible), B (moderate), C (large)


def mantel_haenszel(responses, focal_mask, reference_mask, strata: int = 10, min_per_group: int = 20) -> list[DifResult]:
    responses = np.asarray(responses, dtype=float)
    observed = ~np.isnan(responses)
    right = np.where(observed, responses, 0.0)
    rest = _rest_score_proportion(right, observed.astype(float))
    edges = np.linspace(0, 1, strata + 1)[1:-1]
    results = []
    for j in range(responses.shape[1]):
        seen = observed[:, j] & ~np.isnan(rest[:, j])
        ref, foc = seen & reference_mask, seen & focal_mask
        if ref.sum() < min_per_group or foc.sum() < min_per_group:
            results.append(DifResult(j, np.nan, np.nan, np.nan, np.nan, "insufficient data"))
            continue
        level = np.digitize(rest[:, j], edges)
        num = den = 0.0
        sum_a = sum_ea = sum_var = 0.0
        rbg_p_r = rbg_pq_qr = rbg_q_s = 0.0  # Robins-Breslow-Greenland variance terms
        for k in range(strata):
            in_k = level == k
            a_ = float(right[ref & in_k, j].sum())          # reference right
            b_ = float((ref & in_k).sum()) - a_              # reference wrong
            c_ = float(right[foc & in_k, j].sum())          # focal right
            d_ = float((foc & in_k).sum()) - c_              # focal wrong
            t = a_ + b_ + c_ + d_
            if t < 2 or (a_ + b_) == 0 or (c_ + d_) == 0:
                continue
            r_k, s_k = a_ * d_ / t, b_ * c_ / t
            num, den = num + r_k, den + s_k
            p_k, q_k = (a_ + d_) / t, (b_ + c_) / t
            rbg_p_r += p_k * r_k
            rbg_pq_qr += p_k * s_k + q_k * r_k
            rbg_q_s += q_k * s_k
            m1, m0, nr, nf = a_ + c_, b_ + d_, a_ + b_, c_ + d_
            sum_a += a_
            sum_ea += nr * m1 / t
            sum_var += nr * nf * m1 * m0 / (t * t * (t - 1)) if t > 1 else 0.0
        if num == 0 or den == 0:
            results.append(DifResult(j, np.nan, np.nan, np.nan, np.nan, "insufficient data"))
            continue
        alpha = num / den
        var_log = rbg_p_r / (2 * num**2) + rbg_pq_qr / (2 * num * den) + rbg_q_s / (2 * den**2)
        delta = DELTA_SCALE * np.log(alpha)
        se_delta = abs(DELTA_SCALE) * np.sqrt(var_log)
        chi = (abs(sum_a - sum_ea) - 0.5) ** 2 / sum_var if sum_var > 0 else np.nan
        results.append(DifResult(j, alpha, delta, se_delta, chi, ets_category(delta, se_delta, chi)))
    return results


def ets_category(delta: float, se_delta: float, chi_square: float) -> str:
    """ETS: A if |delta| < 1 or not significant; C if |delta| >= 1.5 and significantly above 1; else B."""
    significant = chi_square >= 3.84
    if np.isnan(delta) or abs(delta) < 1.0 or not significant:
        return "A"
    if abs(delta) >= 1.5 and (abs(delta) - 1.0) / se_delta > 1.645:
        return "C"
    return "B"
