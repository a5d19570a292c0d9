"""Assembly and calibration speed, with quality, measured beside reference implementations in one run.

    make bench                 # runs this after the web benchmark
    .venv/bin/python bench/psychometrics.py --forms 10000

Assembly: forms of 120 from a simulated 2,000-item bank: time per form, blueprint exactness,
information within band, exposure and overlap. Calibration: 2PL on 20,000 candidates x 100 items,
complete and linear-on-the-fly sparse, against girth (and mirt, where it installs) on the same data.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lms.itembank.assembly import Exposure, Pool, Spec, assemble, summarize, target_information  # noqa: E402
from lms.itembank.exchange import items_from_export, simulate_bank  # noqa: E402
from lms.itembank.loader import load_blueprint  # noqa: E402
from lms.itembank.psychometrics.irt import calibrate, simulate  # noqa: E402


def bench_assembly(n_forms: int, bank_size: int) -> None:
    blueprint = load_blueprint(ROOT / "exam_bank" / "blueprint.yaml")
    items = items_from_export(simulate_bank(blueprint, bank_size, seed=1))
    area_keys = [a.key for a in blueprint.areas]
    pool = Pool.from_items(items, area_keys)
    spec = Spec(tuple(a.scored_items for a in blueprint.areas), blueprint.pretest_items, max_exposure=0.15)
    prepared = target_information(pool, spec)
    rng = np.random.default_rng(7)
    exposure = Exposure.empty(len(pool.ids))
    forms, times = [], []
    for _ in range(n_forms):
        started = time.perf_counter()
        form = assemble(pool, spec, rng, exposure, prepared=prepared)
        times.append(time.perf_counter() - started)
        exposure.record(form)
        forms.append(form)
    summary = summarize(pool, spec, forms, exposure, prepared)
    times_ms = np.array(times) * 1000
    expected_overlap = blueprint.length / bank_size
    print(f"\n## Assembly: {n_forms:,} forms of {blueprint.length} from a {bank_size:,}-item simulated bank\n")
    print("| measure | result | goal |")
    print("|---|---:|---:|")
    print(f"| median time per form | {np.median(times_ms):.2f} ms | <= 5 ms |")
    print(f"| p95 time per form | {np.percentile(times_ms, 95):.2f} ms | <= 20 ms |")
    print(f"| blueprint exact | {summary.blueprint_exact:.1%} | 100% |")
    print(f"| information within band (3 points) | {summary.within_band:.1%} | >= 95% |")
    print(f"| max exposure | {summary.max_exposure:.3f} | <= 0.15 |")
    print(f"| mean pairwise overlap | {summary.mean_overlap:.1%} | {expected_overlap:.1%} +/- 2 points |")


def _girth(x):
    try:
        from girth import INVALID_RESPONSE, twopl_mml
    except ImportError:
        return None
    data = np.where(np.isnan(x), INVALID_RESPONSE, x).T.astype(int)
    started = time.perf_counter()
    fit = twopl_mml(data)
    return time.perf_counter() - started, np.asarray(fit["Discrimination"]), np.asarray(fit["Difficulty"])


def bench_calibration(persons: int, n_items: int, seen: int) -> None:
    rng = np.random.default_rng(2026)
    a, b = rng.lognormal(0, 0.3, n_items), rng.normal(0, 1, n_items)
    print(f"\n## 2PL calibration: {persons:,} candidates x {n_items} items\n")
    print("| data | ours (s) | r(a) | r(b) | girth (s) | girth r(a) | girth r(b) | speed-up |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for label, sparse in (("complete", False), (f"LOFT-sparse ({seen} of {n_items} each)", True)):
        presented = None
        if sparse:
            presented = np.zeros((persons, n_items), bool)
            for row in presented:
                row[rng.choice(n_items, seen, replace=False)] = True
        x, _theta = simulate(persons, a, b, rng, presented)
        started = time.perf_counter()
        fit = calibrate(x)
        ours = time.perf_counter() - started
        reference = _girth(x)
        row = [label, f"{ours:.2f}", f"{np.corrcoef(fit.a, a)[0, 1]:.4f}", f"{np.corrcoef(fit.b, b)[0, 1]:.4f}"]
        if reference is None:
            row += ["not installed", "", "", ""]
        else:
            seconds, ga, gb = reference
            row += [f"{seconds:.2f}", f"{np.corrcoef(ga, a)[0, 1]:.4f}", f"{np.corrcoef(gb, b)[0, 1]:.4f}",
                    f"{seconds / ours:.1f}x"]
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--forms", type=int, default=10_000)
    parser.add_argument("--bank", type=int, default=2_000)
    parser.add_argument("--persons", type=int, default=20_000)
    parser.add_argument("--items", type=int, default=100)
    parser.add_argument("--seen", type=int, default=60)
    args = parser.parse_args()
    bench_assembly(args.forms, args.bank)
    bench_calibration(args.persons, args.items, args.seen)
