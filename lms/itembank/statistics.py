"""Item statistics kept with the bank: one run per response file (classical, IRT calibration, DIF by language)."""
from __future__ import annotations

import math

import numpy as np
from flask_babel import gettext as _
from sqlalchemy import func, select

from ..core import audit
from ..core.clock import now
from ..core.errors import DomainError
from ..extensions import db
from .models import BankItem, ItemStatistic, StatisticsRun
from .psychometrics.classical import item_statistics
from .psychometrics.dif import mantel_haenszel
from .psychometrics.irt import calibrate
from ..core.policy import setting
from .assembly import Pool, Spec
from .loader import Bank, Blueprint
from .store import working_bank, write_version


def _number(value) -> float | None:
    value = float(value)
    return None if math.isnan(value) or math.isinf(value) else value


def record_run(actor, label: str, candidates: list[str], item_ids: list[str], matrix: np.ndarray,
               groups: dict[str, str] | None = None, model: str = "2pl", reference: str = "en") -> StatisticsRun:
    """Analyse a (candidates x items) matrix of 1/0/NaN and keep the results."""
    classical = item_statistics(matrix)
    fit = calibrate(matrix, model=model)
    dif: dict[int, dict] = {}
    if groups:
        language = np.array([groups.get(c, "") for c in candidates])
        for focal in sorted(set(language) - {reference, ""}):
            for result in mantel_haenszel(matrix, language == focal, language == reference):
                dif.setdefault(result.item, {})[focal] = {"delta": _number(result.delta), "category": result.category}
    run = StatisticsRun(run_at=now(), by_id=getattr(actor, "id", None), label=label.strip()[:200] or _("Response file"),
                        model=model, candidates=len(candidates), converged=bool(fit.converged))
    for j, item_id in enumerate(item_ids):
        flags = list(classical.flags[j]) + [f"dif_{lang}" for lang, d in sorted(dif.get(j, {}).items())
                                            if d["category"] == "C"]
        run.rows.append(ItemStatistic(
            item_id=item_id, n=int(classical.n[j]), exposure=float(classical.n[j]) / max(len(candidates), 1),
            p=_number(classical.p[j]), point_biserial=_number(classical.point_biserial[j]),
            a=_number(fit.a[j]), b=_number(fit.b[j]), se_a=_number(fit.se_a[j]), se_b=_number(fit.se_b[j]),
            flags=flags, dif=dif.get(j, {})))
    db.session.add(run)
    db.session.flush()
    audit.record("bank.statistics_run", run, actor=actor, items=len(item_ids), candidates=len(candidates), model=model)
    return run


def apply_run(actor, run: StatisticsRun) -> int:
    """Copy the run's IRT parameters onto the bank's items (a new version of each); returns how many."""
    if run.applied_at is not None:
        raise DomainError("bad_state", _("These parameters are already in the bank."), status=409)
    if not run.converged:
        raise DomainError("bad_state", _("The calibration did not converge; its parameters cannot be used."), status=409)
    items = {i.id: i for i in db.session.scalars(select(BankItem).where(BankItem.id.in_([r.item_id for r in run.rows])))}
    applied = 0
    for row in run.rows:
        item = items.get(row.item_id)
        if item is None or row.a is None or row.b is None:
            continue
        item.irt = {"a": round(row.a, 4), "b": round(row.b, 4)}
        write_version(item, actor, "calibration", _("Parameters from statistics run %(run)s", run=run.id))
        applied += 1
    run.applied_at = now()
    audit.record("bank.calibration_applied", run, actor=actor, items=applied)
    return applied


_pools: dict = {}   # the last pool built, under its bank and statistics run (runs do not change once recorded)


def working_pool(blueprint: Blueprint, bank: Bank | None = None) -> Pool:
    """What assembly draws from: the approved items in the database, with p-values from the latest analysis."""
    bank = bank or working_bank(blueprint)
    run_id = db.session.scalar(select(func.max(StatisticsRun.id)))
    key = (id(bank), run_id)
    pool = _pools.get(key)
    if pool is None or _pools.get("bank") is not bank:
        run = db.session.get(StatisticsRun, run_id) if run_id is not None else None
        p_values = {item_id: row.p for item_id, row in latest_by_item(run).items() if row.p is not None}
        pool = Pool.from_items(bank.items, [a.key for a in blueprint.areas], p_values)
        _pools.clear()
        _pools.update({key: pool, "bank": bank})   # the bank too, so its id cannot be reused while kept
    return pool


def forget_built_pool() -> None:
    _pools.clear()


def form_spec(blueprint: Blueprint) -> Spec:
    """The blueprint's form as assembly needs it, with the policy's exposure cap and parallelism bands."""
    return Spec(area_counts=tuple(a.scored_items for a in blueprint.areas), pretest_count=blueprint.pretest_items,
                max_exposure=setting("max_item_exposure"), band=setting("form_information_band"),
                difficulty_band=setting("form_difficulty_band"))


def latest_run() -> StatisticsRun | None:
    return db.session.scalars(select(StatisticsRun).order_by(StatisticsRun.id.desc()).limit(1)).first()


def latest_by_item(run: StatisticsRun | None = None) -> dict[str, ItemStatistic]:
    run = run or latest_run()
    return {row.item_id: row for row in run.rows} if run else {}


def history_of(item_id: str) -> list[ItemStatistic]:
    """The item's statistics in every run, newest first."""
    return db.session.scalars(select(ItemStatistic).join(StatisticsRun).where(ItemStatistic.item_id == item_id)
                              .order_by(StatisticsRun.id.desc())).all()
