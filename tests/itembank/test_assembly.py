"""Form assembly invariants, property-based: blueprint, enemies, determinism, exposure, information."""
from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from lms.itembank.assembly import Exposure, Pool, Spec, assemble, assemble_many


def make_pool(seed: int, per_area: int, areas: int, pretest: int, enemy_pairs: int, calibrated: bool = True) -> Pool:
    rng = np.random.default_rng(seed)
    n = per_area * areas + pretest
    area = np.concatenate([np.repeat(np.arange(areas), per_area), rng.integers(0, areas, pretest)])
    is_pretest = np.zeros(n, bool)
    is_pretest[per_area * areas:] = True
    enemies = [set() for _ in range(n)]
    for _ in range(enemy_pairs):
        i, j = rng.choice(n, 2, replace=False)
        enemies[i].add(j)
        enemies[j].add(i)
    a = rng.lognormal(0, 0.3, n) if calibrated else np.full(n, np.nan)
    b = rng.normal(0, 1, n) if calibrated else np.full(n, np.nan)
    return Pool(np.array([f"I{i:04d}" for i in range(n)]), area, is_pretest, a, b,
                tuple(np.array(sorted(e), dtype=int) for e in enemies))


# Enemy pairs stay below a third of the pool: denser enemy graphs can make a blueprint infeasible.
pools = st.builds(make_pool, seed=st.integers(0, 10_000), per_area=st.integers(12, 40), areas=st.integers(1, 4),
                  pretest=st.integers(6, 12), enemy_pairs=st.integers(0, 12), calibrated=st.booleans())


@settings(max_examples=60, deadline=None)
@given(pool=pools, seed=st.integers(0, 2**32 - 1), data=st.data())
def test_every_form_meets_the_blueprint_and_never_holds_enemies(pool, seed, data):
    areas = int(pool.area.max()) + 1
    counts = tuple(data.draw(st.integers(1, 6)) for _ in range(areas))
    spec = Spec(area_counts=counts, pretest_count=data.draw(st.integers(0, 3)))
    form = assemble(pool, spec, np.random.default_rng(seed))
    scored = form[~pool.pretest[form]]
    assert np.bincount(pool.area[scored], minlength=areas).tolist() == list(counts)
    assert pool.pretest[form].sum() == spec.pretest_count
    assert len(set(form.tolist())) == len(form)
    in_form = set(form.tolist())
    for i in form:
        assert not in_form & set(pool.enemies[i].tolist())


@settings(max_examples=25, deadline=None)
@given(pool=pools, seed=st.integers(0, 2**32 - 1))
def test_the_same_seed_gives_the_same_form(pool, seed):
    spec = Spec(area_counts=(3,) * (int(pool.area.max()) + 1), pretest_count=2)
    first = assemble(pool, spec, np.random.default_rng(seed))
    again = assemble(pool, spec, np.random.default_rng(seed))
    assert first.tolist() == again.tolist()


def test_exposure_stays_under_the_maximum_when_the_pool_allows():
    pool = make_pool(3, per_area=60, areas=4, pretest=40, enemy_pairs=20)
    spec = Spec(area_counts=(5, 5, 5, 5), pretest_count=4, max_exposure=0.15)
    summary = assemble_many(pool, spec, 400, seed=9)
    assert summary.blueprint_exact == 1.0
    assert summary.max_exposure <= 0.15 + 1 / 400


def test_forms_are_parallel_in_information():
    pool = make_pool(4, per_area=150, areas=4, pretest=50, enemy_pairs=40)
    spec = Spec(area_counts=(10, 10, 10, 10), pretest_count=5, band=0.10)
    summary = assemble_many(pool, spec, 300, seed=1)
    assert summary.within_band >= 0.95


def test_a_retake_prefers_items_not_seen_before():
    pool = make_pool(5, per_area=40, areas=2, pretest=10, enemy_pairs=0)
    spec = Spec(area_counts=(8, 8), pretest_count=2)
    rng = np.random.default_rng(0)
    first = assemble(pool, spec, rng)
    retake = assemble(pool, spec, rng, seen=first)
    assert len(set(first.tolist()) & set(retake.tolist())) <= 1


def test_exposure_counts_forms_and_items():
    exposure = Exposure.empty(5)
    exposure.record(np.array([0, 2]))
    exposure.record(np.array([2, 4]))
    assert exposure.rates().tolist() == [0.5, 0.0, 1.0, 0.0, 0.5]


def test_an_infeasible_blueprint_says_so():
    import pytest

    from lms.itembank.assembly import AssemblyError

    pool = make_pool(1, per_area=5, areas=1, pretest=2, enemy_pairs=0)
    with pytest.raises(AssemblyError, match="needs 9"):
        assemble(pool, Spec(area_counts=(9,), pretest_count=1), np.random.default_rng(0))


def test_an_uncalibrated_bank_with_p_values_gives_forms_of_like_difficulty():
    import dataclasses

    base = make_pool(6, per_area=80, areas=4, pretest=30, enemy_pairs=20, calibrated=False)
    rng = np.random.default_rng(2)
    pool = dataclasses.replace(base, p=rng.uniform(0.25, 0.95, len(base.ids)))
    spec = Spec(area_counts=(8, 8, 8, 8), pretest_count=4, difficulty_band=0.02)
    banded = assemble_many(pool, spec, 200, seed=3)
    unbanded = assemble_many(dataclasses.replace(base), spec, 200, seed=3)
    assert banded.within_band >= 0.95 and banded.blueprint_exact == 1.0
    means = np.array([pool.p[f[~pool.pretest[f]]].mean() for f in unbanded.forms])
    assert np.mean(np.abs(means - banded.difficulty.mean()) <= 0.02) < 0.8   # the band is doing the work
    assert np.isnan(unbanded.within_band) and unbanded.difficulty is None   # no p-values: no difficulty target
