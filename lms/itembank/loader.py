"""The item bank and blueprint in exam_bank/, loaded and validated by one loader (format in exam_bank/FORMAT.md)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

from ..core.datafiles import Node, Problem, read_mapping
from .types import REGISTRY

FORMAT_VERSION = 1
EXAM_BANK = Path(__file__).resolve().parent.parent.parent / "exam_bank"
LANGUAGES = ("en", "es", "zh_Hant", "vi", "ko", "tl", "hy", "ru", "fa", "ar")
STATUSES = ("draft", "review", "approved", "retired")
LEVELS = ("recall", "application", "analysis")
ITEM_ID = re.compile(r"^PSS-(\d{2})-(\d{3})$")


class BankInvalid(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(map(str, problems)))


@dataclass(frozen=True)
class Area:
    key: str
    title: dict
    competencies: tuple[int, ...]
    scored_items: int


@dataclass(frozen=True)
class Blueprint:
    scored_items: int
    pretest_items: int
    time_minutes: int
    break_after_item: int
    break_minutes: int
    scale: dict
    areas: tuple[Area, ...]

    @property
    def length(self) -> int:
        return self.scored_items + self.pretest_items

    def area_of(self, competency: int) -> str | None:
        return next((a.key for a in self.areas if competency in a.competencies), None)


@dataclass(frozen=True)
class Variant:
    status: str
    stem: str
    options: dict
    rationale: str


@dataclass(frozen=True)
class Item:
    id: str
    type: str
    competency: int
    area: str
    cognitive_level: str
    status: str
    pretest: bool
    key: str
    variants: dict
    enemies: tuple[str, ...] = ()
    irt: dict = field(default_factory=dict)

    def languages(self) -> set[str]:
        return {lang for lang, v in self.variants.items() if v.status == "approved"}


@dataclass(frozen=True)
class Bank:
    blueprint: Blueprint
    items: tuple[Item, ...]

    def offerable_languages(self) -> list[str]:
        """Languages in which every approved item has an approved variant."""
        return list(self._offerable)

    @cached_property
    def _offerable(self) -> tuple[str, ...]:   # a bank never changes; the working bank is kept per process
        approved = [i.languages() for i in self.items if i.status == "approved"]
        return tuple(lang for lang in LANGUAGES if approved and all(lang in langs for langs in approved))

    def coverage(self) -> dict[str, int]:
        approved = [i for i in self.items if i.status == "approved"]
        return {lang: sum(lang in i.languages() for i in approved) for lang in LANGUAGES}


def _yaml(path: Path, problems: list[Problem]) -> Node | None:
    return read_mapping(path, problems, FORMAT_VERSION)


def load_blueprint(path: Path, competency_count: int = 17) -> Blueprint:
    problems: list[Problem] = []
    data = _yaml(path, problems)
    if data is None:
        raise BankInvalid(problems)
    form, scale = data.get("form") or {}, data.get("scale") or {}
    areas = []
    for raw in data.get("areas") or []:
        areas.append(Area(key=raw.get("key"), title=raw.get("title") or {}, competencies=tuple(raw.get("competencies") or ()),
                          scored_items=int(raw.get("scored_items") or 0)))
    covered = [c for a in areas for c in a.competencies]
    if sorted(covered) != list(range(1, competency_count + 1)):
        problems.append(Problem(path, data.line_of("areas"), "every competency 1-17 must be in exactly one area"))
    scored = int(form.get("scored_items") or 0)
    if sum(a.scored_items for a in areas) != scored:
        problems.append(Problem(path, data.line_of("areas"),
                                f"area item counts add up to {sum(a.scored_items for a in areas)}, not {scored}"))
    for name in ("minimum", "maximum", "passing_score", "passing_theta", "slope"):
        if not isinstance(scale.get(name), (int, float)):
            problems.append(Problem(path, data.line_of("scale"), f"scale needs a number for {name!r}"))
    if problems:
        raise BankInvalid(problems)
    return Blueprint(scored_items=scored, pretest_items=int(form.get("pretest_items") or 0),
                     time_minutes=int(form.get("time_minutes") or 0), break_after_item=int(form.get("break_after_item") or 0),
                     break_minutes=int(form.get("break_minutes") or 0), scale=dict(scale), areas=tuple(areas))


@lru_cache(maxsize=1)
def shipped_blueprint() -> Blueprint:
    return load_blueprint(EXAM_BANK / "blueprint.yaml")


def load_bank(root: Path) -> Bank:
    """The blueprint and every item, all valid, or BankInvalid listing every problem."""
    root = Path(root)
    blueprint = load_blueprint(root / "blueprint.yaml")
    problems: list[Problem] = []
    items: list[Item] = []
    for path in sorted((root / "items").glob("*/*.yaml")):
        item = _read_item(path, blueprint, problems)
        if item is not None:
            items.append(item)
    ids = [i.id for i in items]
    for dup in sorted({i for i in ids if ids.count(i) > 1}):
        problems.append(Problem(root / "items", None, f"two items use the id {dup}"))
    known = set(ids)
    by_id = {item.id: item for item in items}
    for item in items:
        path = root / "items" / f"{item.competency:02d}" / f"{item.id}.yaml"
        for enemy in item.enemies:
            if enemy not in known:
                problems.append(Problem(path, None, f"enemy {enemy} is not an item"))
            elif item.id not in by_id[enemy].enemies:
                problems.append(Problem(path, None, f"enemy {enemy} must list {item.id} as its enemy too"))
    if problems:
        raise BankInvalid(problems)
    return Bank(blueprint, tuple(items))


def _read_item(path: Path, blueprint: Blueprint, problems: list[Problem]) -> Item | None:
    data = _yaml(path, problems)
    if data is None:
        return None
    start = len(problems)

    def bad(key, message):
        problems.append(Problem(path, data.line_of(key), message))

    item_id = data.get("id")
    match = ITEM_ID.match(str(item_id))
    if not match or path.stem != item_id:
        bad("id", "'id' must look like PSS-01-001 and match the file name")
    competency = data.get("competency")
    if not isinstance(competency, int) or path.parent.name != f"{competency:02d}":
        bad("competency", "'competency' must be the number of the folder the item is in")
    elif match and int(match.group(1)) != competency:
        bad("id", "the id's competency part must be the item's competency")
    area = blueprint.area_of(competency) if isinstance(competency, int) else None
    if data.get("area") != area:
        bad("area", f"'area' must be {area!r}, the blueprint area of competency {competency}")
    item_type = REGISTRY.get(data.get("type"))
    if item_type is None:
        bad("type", f"'type' must be one of {', '.join(REGISTRY)}")
    if data.get("cognitive_level") not in LEVELS:
        bad("cognitive_level", f"'cognitive_level' must be one of {', '.join(LEVELS)}")
    if data.get("status") not in STATUSES:
        bad("status", f"'status' must be one of {', '.join(STATUSES)}")
    if not isinstance(data.get("pretest"), bool):
        bad("pretest", "'pretest' must be true or false")
    key = data.get("key")
    if item_type and not item_type.key_is_valid(key):
        bad("key", f"'key' must be one of the option ids {', '.join(item_type.option_ids)}")
    enemies = data.get("enemies") or []
    if not isinstance(enemies, list):
        bad("enemies", "'enemies' must be a list of item ids")
        enemies = []
    irt = data.get("irt") or {}
    if irt and not (isinstance(irt, dict) and all(isinstance(irt.get(k), (int, float)) for k in ("a", "b"))):
        bad("irt", "'irt' must give numbers for a and b")

    variants = {}
    raw_variants = data.get("variants")
    if not isinstance(raw_variants, dict) or "en" not in raw_variants:
        bad("variants", "'variants' must include en")
        raw_variants = raw_variants if isinstance(raw_variants, dict) else {}
    for lang, raw in raw_variants.items():
        line = raw_variants.line_of(lang) if isinstance(raw_variants, Node) else None
        if lang not in LANGUAGES:
            problems.append(Problem(path, line, f"unknown language {lang!r}"))
            continue
        if not isinstance(raw, dict):
            problems.append(Problem(path, line, f"variant {lang} must be a mapping"))
            continue
        options = raw.get("options")
        wanted = item_type.option_ids if item_type else ()
        if not isinstance(options, dict) or tuple(sorted(options)) != tuple(sorted(wanted)) or \
                not all(isinstance(t, str) and t.strip() for t in options.values()):
            problems.append(Problem(path, line, f"variant {lang} needs options {', '.join(wanted)}, each with text"))
            continue
        if not (isinstance(raw.get("stem"), str) and raw["stem"].strip() and isinstance(raw.get("rationale"), str)
                and raw["rationale"].strip()):
            problems.append(Problem(path, line, f"variant {lang} needs a stem and a rationale"))
            continue
        if raw.get("status") not in STATUSES:
            problems.append(Problem(path, line, f"variant {lang} needs a status: {', '.join(STATUSES)}"))
            continue
        variants[lang] = Variant(raw["status"], raw["stem"].strip(), {k: v.strip() for k, v in options.items()},
                                 raw["rationale"].strip())
    if len(problems) > start:
        return None
    return Item(id=item_id, type=item_type.name, competency=competency, area=area, cognitive_level=data["cognitive_level"],
                status=data["status"], pretest=data["pretest"], key=key, variants=variants,
                enemies=tuple(enemies), irt=dict(irt))
