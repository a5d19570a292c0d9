"""Psychometrics, tested without an app: hand-computed cases and recovery of known parameters."""
from __future__ import annotations

import numpy as np
import pytest

from lms.itembank.psychometrics import classical, dif, irt, scoring

NAN = np.nan


def test_p_values_and_kr20_by_hand():
    x = np.array([[1, 1, 0], [1, 0, 0], [1, 1, 1], [0, 0, 0]], dtype=float)
    stats = classical.item_statistics(x)
    assert stats.p.tolist() == [0.75, 0.5, 0.25]
    # k/(k-1) * (1 - sum(pq) / var(total)) = 3/2 * (1 - 0.625 / 1.25)
    assert classical.kr20(x) == pytest.approx(0.75)


def test_p_values_ignore_items_not_presented():
    x = np.array([[1, NAN], [0, 1], [1, 0], [NAN, 1]])
    stats = classical.item_statistics(x)
    assert stats.n.tolist() == [3, 3] and stats.p == pytest.approx([2 / 3, 2 / 3])


def test_review_flags():
    assert classical.flags_for(0.25, 0.35) == ["too_hard"]
    assert classical.flags_for(0.95, 0.35) == ["too_easy"]
    assert classical.flags_for(0.60, 0.10) == ["low_discrimination"]
    assert classical.flags_for(0.60, 0.35) == []


def test_option_rates_count_blanks_in_the_denominator():
    assert classical.option_rates(["a", "b", "b", None]) == {"a": 0.25, "b": 0.5, "c": 0.0, "d": 0.0}


@pytest.fixture(scope="module")
def bank():
    rng = np.random.default_rng(2026)
    return rng, rng.lognormal(0.0, 0.3, 40), rng.normal(0.0, 1.0, 40)


def test_2pl_calibration_recovers_known_parameters(bank):
    rng, a, b = bank
    x, _theta = irt.simulate(8000, a, b, rng)
    fit = irt.calibrate(x, model="2pl")
    assert fit.converged
    assert np.corrcoef(fit.b, b)[0, 1] >= 0.99
    assert np.corrcoef(fit.a, a)[0, 1] >= 0.95
    assert np.all(fit.se_b > 0) and np.all(fit.se_a > 0)


def test_calibration_handles_linear_on_the_fly_sparsity(bank):
    rng, a, b = bank
    presented = np.zeros((12000, len(a)), dtype=bool)
    for row in presented:
        row[rng.choice(len(a), 20, replace=False)] = True
    x, _theta = irt.simulate(12000, a, b, rng, presented)
    fit = irt.calibrate(x)
    assert np.corrcoef(fit.b, b)[0, 1] >= 0.99 and np.corrcoef(fit.a, a)[0, 1] >= 0.93


def test_rasch_fixes_every_slope_at_one(bank):
    rng, _a, b = bank
    x, _theta = irt.simulate(4000, np.ones(len(b)), b, rng)
    fit = irt.calibrate(x, model="rasch")
    assert np.all(fit.a == 1.0) and np.all(fit.se_a == 0.0)
    assert np.corrcoef(fit.b, b)[0, 1] >= 0.99


def test_ability_rises_with_right_answers_and_ignores_missing():
    a, b = np.ones(10), np.linspace(-2, 2, 10)
    low, high = irt.eap(np.array([[1, 1, 1, 0, 0, 0, 0, 0, 0, 0], [1] * 8 + [0, 0]]), a, b)[0]
    assert high > low
    with_missing = irt.eap(np.array([[1, 1, 1, NAN, NAN, 0, 0, 0, 0, 0]]), a, b)[0][0]
    without = irt.eap(np.array([[1, 1, 1, 0, 0, 0, 0, 0]]), a[[0, 1, 2, 5, 6, 7, 8, 9]], b[[0, 1, 2, 5, 6, 7, 8, 9]])[0][0]
    assert with_missing == pytest.approx(without)


SCALE = scoring.Scale(minimum=200, maximum=800, passing_score=500, passing_theta=0.0, slope=100)


def test_the_scale_maps_the_passing_ability_to_the_passing_score():
    assert SCALE.scaled(0.0) == 500
    assert SCALE.scaled(1.23) == 623
    assert SCALE.scaled(-9) == 200 and SCALE.scaled(9) == 800


def test_pretest_items_never_count():
    a, b = np.ones(6), np.zeros(6)
    scored = np.array([True, True, True, True, False, False])
    areas = np.array(["x", "x", "y", "y", "x", "y"])
    base = scoring.score([1, 1, 0, 1, 0, 0], scored, a, b, areas, SCALE)
    pretest_right = scoring.score([1, 1, 0, 1, 1, 1], scored, a, b, areas, SCALE)
    assert (base.raw, base.scaled) == (pretest_right.raw, pretest_right.scaled) == (3, base.scaled)
    assert base.scored_items == 4 and [ar.area for ar in base.areas] == ["x", "y"]


def test_pass_fail_at_the_passing_point_and_area_standing():
    a, b = np.full(40, 1.5), np.zeros(40)
    scored, areas = np.ones(40, bool), np.array(["x"] * 20 + ["y"] * 20)
    strong = scoring.score([1] * 20 + [1] * 17 + [0] * 3, scored, a, b, areas, SCALE)
    weak = scoring.score([0] * 16 + [1] * 4 + [1] * 10 + [0] * 10, scored, a, b, areas, SCALE)
    assert strong.passed and not weak.passed
    assert [ar.standing for ar in strong.areas] == ["above", "above"]
    assert weak.areas[0].standing == "below"


def test_unanswered_counts_as_wrong():
    a, b = np.ones(4), np.zeros(4)
    both = scoring.score([1, NAN, 0, 1], np.ones(4, bool), a, b, np.array(["x"] * 4), SCALE)
    assert both.raw == 2


def test_mantel_haenszel_catches_a_planted_biased_item():
    rng = np.random.default_rng(11)
    n, items = 6000, 30
    a, b = np.ones(items), rng.normal(0, 0.8, items)
    focal = np.zeros(n, bool)
    focal[n // 2:] = True
    theta = rng.standard_normal(n)
    b_person = np.tile(b, (n, 1))
    b_person[focal, 7] += 1.2  # the translation of item 7 is harder for the focal language
    p = 1 / (1 + np.exp(-(theta[:, None] - b_person)))
    x = (rng.random((n, items)) < p).astype(float)
    results = dif.mantel_haenszel(x, focal, ~focal)
    assert results[7].category == "C" and results[7].delta < 0
    assert sum(r.category == "C" for i, r in enumerate(results) if i != 7) == 0
    assert sum(r.category == "A" for r in results) >= items - 3
