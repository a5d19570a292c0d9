"""The bank's exchange format (JSON): export, import (all-or-nothing) and synthetic banks for benchmarks."""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import numpy as np
import yaml

from .loader import FORMAT_VERSION, Bank, Item, Variant, load_bank


def item_to_dict(item) -> dict:
    """An item in the export format: a loaded ``Item`` or the database's ``BankItem`` alike."""
    from .loader import LANGUAGES

    return {
        "id": item.id, "type": item.type, "competency": item.competency, "area": item.area,
        "cognitive_level": item.cognitive_level, "status": item.status, "pretest": item.pretest,
        "enemies": list(item.enemies or []), "irt": dict(item.irt or {}) or None, "key": item.key,
        "variants": {
            lang: {"status": v.status, "stem": v.stem, "rationale": v.rationale,
                   "options": [{"id": oid, "text": text} for oid, text in sorted(v.options.items())]}
            for lang, v in sorted(item.variants.items(), key=lambda kv: LANGUAGES.index(kv[0]))
        },
    }


def export_bank(bank: Bank) -> list[dict]:
    return [item_to_dict(item) for item in bank.items]


def _item_yaml(data: dict) -> str:
    document = {
        "format_version": FORMAT_VERSION, "id": data["id"], "type": data.get("type", "single_best_answer"),
        "competency": data["competency"], "area": data["area"], "cognitive_level": data["cognitive_level"],
        "status": data["status"], "pretest": data["pretest"], "enemies": data.get("enemies") or [],
    }
    if data.get("irt"):
        document["irt"] = data["irt"]
    document["key"] = data["key"]
    document["variants"] = {
        lang: {"status": v["status"], "stem": v["stem"],
               "options": {o["id"]: o["text"] for o in v["options"]}, "rationale": v["rationale"]}
        for lang, v in data["variants"].items()
    }
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=100)


def import_bank(items: list[dict], root: Path) -> Bank:
    """Replace the items under ``root`` with ``items``: validated in a copy first, so a bad file changes nothing."""
    root = Path(root)
    with tempfile.TemporaryDirectory() as scratch:
        staged = Path(scratch) / "bank"
        staged.mkdir()
        shutil.copy(root / "blueprint.yaml", staged / "blueprint.yaml")
        for data in items:
            path = staged / "items" / f"{int(data['competency']):02d}" / f"{data['id']}.yaml"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(_item_yaml(data), encoding="utf-8")
        bank = load_bank(staged)  # raises BankInvalid with every problem
        if (root / "items").exists():
            shutil.rmtree(root / "items")
        shutil.copytree(staged / "items", root / "items")
    return bank


def simulate_bank(bank_blueprint, n_items: int, seed: int) -> list[dict]:
    """A calibrated synthetic bank in the export format, spread over competencies like the blueprint."""
    rng = np.random.default_rng(seed)
    weights = []
    competencies = []
    for area in bank_blueprint.areas:
        for competency in area.competencies:
            competencies.append((competency, area.key))
            weights.append(area.scored_items / len(area.competencies))
    weights = np.array(weights) / sum(weights)
    picks = rng.choice(len(competencies), n_items, p=weights)
    numbers: dict[int, int] = {}
    items = []
    for n, pick in enumerate(picks):
        competency, area = competencies[pick]
        numbers[competency] = numbers.get(competency, 0) + 1
        item_id = f"PSS-{competency:02d}-{numbers[competency]:03d}"
        items.append({
            "id": item_id, "type": "single_best_answer", "competency": competency, "area": area,
            "cognitive_level": "application", "status": "approved", "pretest": bool(rng.random() < 0.1),
            "enemies": [], "irt": {"a": round(float(rng.lognormal(0, 0.3)), 3), "b": round(float(rng.normal(0, 1)), 3)},
            "key": "abcd"[n % 4],
            "variants": {"en": {"status": "approved", "stem": f"Simulated item {n + 1}.", "rationale": "Simulated.",
                                "options": [{"id": o, "text": f"Option {o}"} for o in "abcd"]}},
        })
    return items


def items_from_export(data: list[dict]) -> list[Item]:
    """Item objects straight from the export format (for assembling from a bank file)."""
    return [Item(id=d["id"], type=d.get("type", "single_best_answer"), competency=int(d["competency"]), area=d["area"],
                 cognitive_level=d["cognitive_level"], status=d["status"], pretest=bool(d["pretest"]), key=d["key"],
                 variants={lang: Variant(v["status"], v["stem"], {o["id"]: o["text"] for o in v["options"]}, v["rationale"])
                           for lang, v in d["variants"].items()},
                 enemies=tuple(d.get("enemies") or ()), irt=dict(d.get("irt") or {})) for d in data]


class VariantFileError(ValueError):
    pass


def add_variants(exported: list[dict], language: str, texts: dict, status: str = "review") -> list[dict]:
    """Put a translator's texts ({item_id: {stem, options: {a..d}, rationale}}) in as ``language`` variants."""
    from .loader import LANGUAGES, STATUSES

    if language not in LANGUAGES or language == "en":
        raise VariantFileError(f"language must be one of {', '.join(LANGUAGES[1:])}")
    if status not in STATUSES:
        raise VariantFileError(f"status must be one of {', '.join(STATUSES)}")
    by_id = {item["id"]: item for item in exported}
    unknown = sorted(set(texts) - set(by_id))
    if unknown:
        raise VariantFileError(f"not items of the bank: {', '.join(unknown[:5])}")
    for item_id, text in texts.items():
        english = by_id[item_id]["variants"]["en"]
        if set(text.get("options", {})) != {o["id"] for o in english["options"]}:
            raise VariantFileError(f"{item_id}: the options must be {', '.join(o['id'] for o in english['options'])}")
        by_id[item_id]["variants"][language] = {
            "status": status, "stem": text["stem"], "rationale": text["rationale"],
            "options": [{"id": oid, "text": text["options"][oid]} for oid in sorted(text["options"])],
        }
    return exported
