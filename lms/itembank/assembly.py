"""Linear-on-the-fly form assembly in numpy: every candidate gets a different, parallel form.

A form meets the blueprint exactly (scored items per area, plus pretest items), never holds two
enemy items, keeps each item's exposure under the maximum rate where the pool allows, prefers items
a retaking candidate has not seen, and - once the bank is calibrated - has test information at
three ability points within a band around the target. The same seed gives the same form.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .psychometrics.irt import item_information


@dataclass(frozen=True)
class Pool:
    """The items assembly may use (approved ones), as arrays indexed 0..n-1."""

    ids: np.ndarray
    area: np.ndarray          # area index per item
    pretest: np.ndarray       # bool
    a: np.ndarray             # NaN while uncalibrated
    b: np.ndarray
    enemies: tuple            # per item: array of enemy indices
    p: np.ndarray | None = None   # classical difficulty (proportion right) per item, NaN where unknown

    @property
    def calibrated(self) -> bool:
        return not (np.isnan(self.a).any() or np.isnan(self.b).any())

    @property
    def has_difficulty(self) -> bool:
        """Every scored item has a p-value: forms can be held to a difficulty band while uncalibrated."""
        return self.p is not None and not np.isnan(self.p[~self.pretest]).any()

    @classmethod
    def from_items(cls, items, area_keys: list[str], p_values: dict | None = None) -> Pool:
        items = [i for i in items if i.status == "approved"]
        index = {item.id: n for n, item in enumerate(items)}
        return cls(
            ids=np.array([i.id for i in items]),
            area=np.array([area_keys.index(i.area) for i in items], dtype=int),
            pretest=np.array([i.pretest for i in items], dtype=bool),
            a=np.array([i.irt.get("a", np.nan) for i in items], dtype=float),
            b=np.array([i.irt.get("b", np.nan) for i in items], dtype=float),
            enemies=tuple(np.array([index[e] for e in i.enemies if e in index], dtype=int) for i in items),
            p=np.array([(p_values or {}).get(i.id, np.nan) for i in items], dtype=float),
        )


@dataclass(frozen=True)
class Spec:
    area_counts: tuple[int, ...]      # scored items per area, in area order
    pretest_count: int
    thetas: tuple[float, ...] = (-1.0, 0.0, 1.0)
    band: float = 0.10                 # information may differ from the target by this share
    difficulty_band: float = 0.02      # uncalibrated: a form's mean p may differ from the target by this much
    max_exposure: float = 0.25

    @property
    def scored_count(self) -> int:
        return sum(self.area_counts)


@dataclass
class Exposure:
    """How often each item has been used; assembly keeps rates under the spec's maximum."""

    counts: np.ndarray
    forms: int = 0

    @classmethod
    def empty(cls, n_items: int) -> Exposure:
        return cls(np.zeros(n_items, dtype=np.int64))

    def record(self, form: np.ndarray) -> None:
        self.counts[form] += 1
        self.forms += 1

    def rates(self) -> np.ndarray:
        return self.counts / max(self.forms, 1)


@dataclass
class _Target:
    info: np.ndarray | None          # (n_items, n_thetas) item information, None if uncalibrated
    target: np.ndarray | None        # target test information at each theta
    p_target: float | None = None    # uncalibrated but with p-values: the mean p of a blueprint-exact form


def target_information(pool: Pool, spec: Spec) -> _Target:
    """The information an average blueprint-exact form has at each ability point."""
    if not pool.calibrated:
        if not pool.has_difficulty:
            return _Target(None, None)
        weighted = sum(count * pool.p[(pool.area == area) & ~pool.pretest].mean()
                       for area, count in enumerate(spec.area_counts) if count)
        return _Target(None, None, float(weighted / spec.scored_count))
    info = item_information(np.array(spec.thetas), pool.a, pool.b).T  # (items, thetas)
    target = np.zeros(len(spec.thetas))
    for area, count in enumerate(spec.area_counts):
        scored = (pool.area == area) & ~pool.pretest
        target += count * info[scored].mean(axis=0)
    return _Target(info, target)


class AssemblyError(ValueError):
    pass


RESTARTS = 25


def assemble(pool: Pool, spec: Spec, rng: np.random.Generator, exposure: Exposure | None = None,
             seen: np.ndarray | None = None, prepared: _Target | None = None, max_swaps: int = 60) -> np.ndarray:
    """One form: item indices in delivery order (pretest items seeded among the scored ones).

    Cells are filled tightest first; when enemy rules make a draw impossible, assembly starts again
    with a fresh draw (still determined by the seed) before giving up.
    """
    prepared = prepared or target_information(pool, spec)
    for attempt in range(RESTARTS):
        try:
            return _assemble_once(pool, spec, rng, exposure, seen, prepared, max_swaps)
        except AssemblyError:
            if attempt == RESTARTS - 1:
                raise
    raise AssertionError("unreachable")


def _assemble_once(pool, spec, rng, exposure, seen, prepared, max_swaps) -> np.ndarray:
    n = len(pool.ids)
    weight = np.ones(n)
    if exposure is not None and exposure.forms:
        over = exposure.counts / (exposure.forms + 1) >= spec.max_exposure
        weight[over] = 1e-3   # used only when the pool has nothing else
    if seen is not None and len(seen):
        weight[seen] *= 1e-2  # a retake prefers what the candidate has not seen
    chosen = np.zeros(n, dtype=bool)
    cells = [((pool.area == area) & ~pool.pretest, count) for area, count in enumerate(spec.area_counts)]
    cells.append((pool.pretest.copy(), spec.pretest_count))
    for eligible, count in sorted(cells, key=lambda cell: int(cell[0].sum()) - cell[1]):  # least slack first
        _pick(pool, eligible, count, weight, chosen, rng)
    if prepared.info is not None:
        _repair_information(pool, spec, prepared, chosen, weight, rng, max_swaps)
    elif prepared.p_target is not None:
        _repair_difficulty(pool, spec, prepared.p_target, chosen, weight, rng, max_swaps)
    form = np.flatnonzero(chosen)
    return form[rng.permutation(len(form))]


def _pick(pool: Pool, eligible: np.ndarray, count: int, weight: np.ndarray, chosen: np.ndarray, rng) -> None:
    """Draw ``count`` items from ``eligible`` by weight, skipping enemies of what is already chosen."""
    if count == 0:
        return
    blocked = np.zeros(len(chosen), dtype=bool)
    for i in np.flatnonzero(chosen):
        blocked[pool.enemies[i]] = True
    candidates = np.flatnonzero(eligible & ~chosen & ~blocked)
    if len(candidates) < count:
        raise AssemblyError(f"only {len(candidates)} usable items for a blueprint cell that needs {count}")
    # Weighted sampling without replacement (Efraimidis-Spirakis keys), then drop enemies in order.
    keys = rng.random(len(candidates)) ** (1.0 / weight[candidates])
    taken = 0
    for i in candidates[np.argsort(-keys)]:
        if blocked[i]:
            continue
        chosen[i] = True
        blocked[pool.enemies[i]] = True
        taken += 1
        if taken == count:
            return
    raise AssemblyError("enemy rules leave too few items for a blueprint cell")


def _repair_information(pool, spec, prepared, chosen, weight, rng, max_swaps) -> None:
    """Swap scored items within their area until information at every point is inside the band."""
    info, target = prepared.info, prepared.target
    scored = ~pool.pretest
    for _ in range(max_swaps):
        current = info[chosen & scored].sum(axis=0)
        deviation = (current - target) / target
        worst = int(np.argmax(np.abs(deviation)))
        if abs(deviation[worst]) <= spec.band:
            return
        too_low = deviation[worst] < 0
        inside = np.flatnonzero(chosen & scored)
        # Out: the item that contributes least (or most) at the worst point.
        out = inside[np.argmin(info[inside, worst])] if too_low else inside[np.argmax(info[inside, worst])]
        blocked = np.zeros(len(chosen), dtype=bool)
        for i in np.flatnonzero(chosen):
            if i != out:
                blocked[pool.enemies[i]] = True
        pool_mask = (pool.area == pool.area[out]) & scored & ~chosen & ~blocked & (weight >= 1e-2)
        options = np.flatnonzero(pool_mask)
        if not len(options):
            return
        gain = info[options, worst] - info[out, worst]
        better = options[gain > 0] if too_low else options[gain < 0]
        if not len(better):
            return
        ranked = better[np.argsort(-np.abs(info[better, worst] - info[out, worst]))][:5]
        swap_in = ranked[rng.integers(len(ranked))]  # randomesque: not always the same best item
        chosen[out], chosen[swap_in] = False, True


def _repair_difficulty(pool, spec, p_target, chosen, weight, rng, max_swaps) -> None:
    """Uncalibrated bank: swap scored items within their area until the form's mean p is inside the band."""
    scored = ~pool.pretest
    for _ in range(max_swaps):
        inside = np.flatnonzero(chosen & scored)
        deviation = pool.p[inside].mean() - p_target
        if abs(deviation) <= spec.difficulty_band:
            return
        too_hard = deviation < 0
        out = inside[np.argmin(pool.p[inside])] if too_hard else inside[np.argmax(pool.p[inside])]
        blocked = np.zeros(len(chosen), dtype=bool)
        for i in np.flatnonzero(chosen):
            if i != out:
                blocked[pool.enemies[i]] = True
        options = np.flatnonzero((pool.area == pool.area[out]) & scored & ~chosen & ~blocked & (weight >= 1e-2))
        better = options[pool.p[options] > pool.p[out]] if too_hard else options[pool.p[options] < pool.p[out]]
        if not len(better):
            return
        ranked = better[np.argsort(-np.abs(pool.p[better] - pool.p[out]))][:5]
        swap_in = ranked[rng.integers(len(ranked))]
        chosen[out], chosen[swap_in] = False, True


@dataclass
class BatchSummary:
    forms: list = field(default_factory=list)
    blueprint_exact: float = 0.0
    information: np.ndarray | None = None   # (forms, thetas)
    difficulty: np.ndarray | None = None    # uncalibrated: each form's mean p on its scored items
    within_band: float = float("nan")
    max_exposure: float = 0.0
    mean_exposure: float = 0.0
    mean_overlap: float = 0.0               # mean share of a form's items that another form also has


def assemble_many(pool: Pool, spec: Spec, n_forms: int, seed: int) -> BatchSummary:
    rng = np.random.default_rng(seed)
    prepared = target_information(pool, spec)
    exposure = Exposure.empty(len(pool.ids))
    forms = []
    for _ in range(n_forms):
        form = assemble(pool, spec, rng, exposure, prepared=prepared)
        exposure.record(form)
        forms.append(form)
    return summarize(pool, spec, forms, exposure, prepared)


def summarize(pool, spec, forms, exposure, prepared) -> BatchSummary:
    summary = BatchSummary(forms=forms)
    exact = 0
    for form in forms:
        scored = form[~pool.pretest[form]]
        counts = np.bincount(pool.area[scored], minlength=len(spec.area_counts))
        exact += int(np.array_equal(counts, spec.area_counts) and pool.pretest[form].sum() == spec.pretest_count)
    summary.blueprint_exact = exact / len(forms)
    if prepared.info is not None:
        summary.information = np.array([prepared.info[f[~pool.pretest[f]]].sum(axis=0) for f in forms])
        within = np.all(np.abs(summary.information / prepared.target - 1) <= spec.band, axis=1)
        summary.within_band = float(within.mean())
    elif prepared.p_target is not None:
        summary.difficulty = np.array([pool.p[f[~pool.pretest[f]]].mean() for f in forms])
        summary.within_band = float((np.abs(summary.difficulty - prepared.p_target) <= spec.difficulty_band + 1e-12).mean())
    rates = exposure.rates()
    summary.max_exposure = float(rates.max())
    summary.mean_exposure = float(rates[rates > 0].mean()) if (rates > 0).any() else 0.0
    c = exposure.counts.astype(float)
    pairs = len(forms) * (len(forms) - 1) / 2
    if pairs:
        shared = (c * (c - 1) / 2).sum() / pairs
        summary.mean_overlap = float(shared / len(forms[0]))
    return summary
