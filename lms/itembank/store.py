"""The working bank: loading exam_bank/ into the database, staff edits, the review workflow and versions.

Every change writes a new ``ItemVersion`` (the whole item in the export format) and an audit event.
Review rules: saving a language's text puts that variant in review; a different person approves it
(four eyes); an item is approved only with an approved English variant; changing the English text
or the key of an approved item sends the item back to review.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select

from ..core import audit
from ..core.clock import now
from ..core.errors import DomainError
from ..extensions import db
from .exchange import item_to_dict, items_from_export
from .loader import ITEM_ID, LANGUAGES, LEVELS, Bank, Blueprint
from .models import BankItem, BankVariant, ItemVersion
from .types import REGISTRY


_built: dict = {}   # this process's last working bank, under the stamp of the rows it was built from
_frozen: dict = {}  # (item, version, language) -> that variant as the version froze it; versions never change
FROZEN_KEPT = 50_000


def bank_stamp() -> tuple:
    """Changes whenever any item changes: every change writes a version and sets ``updated_at``."""
    return tuple(db.session.execute(select(func.count(BankItem.id), func.sum(BankItem.version),
                                           func.max(BankItem.updated_at))).one())


def working_bank(blueprint: Blueprint) -> Bank:
    """The database bank as the loader's objects, for assembly and scoring.

    Building it reads every item and variant; a candidate's home page and each admission need it, so the
    process keeps the last one built and reuses it while one aggregate query says nothing has changed.
    """
    key = (id(blueprint), bank_stamp())
    bank = _built.get(key)
    if bank is None:
        items = db.session.scalars(select(BankItem).order_by(BankItem.id)).all()
        bank = Bank(blueprint, tuple(items_from_export([item_to_dict(i) for i in items])))
        _built.clear()
        _built[key] = bank
    return bank


def forget_built_bank() -> None:
    """Drop the kept bank and variants (tests roll back transactions under a frozen clock, which the stamp cannot
    see, and reuse item ids and version numbers with other texts)."""
    _built.clear()
    _frozen.clear()


def frozen_variant(item_id: str, number: int, language: str) -> dict:
    """One language of an item as version ``number`` froze it (stem, options), as a candidate's form shows it.

    A version is never changed once written, so the process keeps what it has read: every question shown and
    every answer saved needs it, and the snapshot holds all ten languages.
    """
    key = (item_id, number, language)
    variant = _frozen.get(key)
    if variant is None:
        snapshot = db.session.scalars(select(ItemVersion.snapshot).where(ItemVersion.item_id == item_id,
                                                                        ItemVersion.number == number)).one()
        variant = snapshot["variants"][language]
        if len(_frozen) >= FROZEN_KEPT:
            _frozen.clear()
        _frozen[key] = variant
    return variant


def write_version(item: BankItem, actor, source: str, note: str = "") -> ItemVersion:
    item.version = (item.version or 0) + 1
    item.updated_at = now()
    version = ItemVersion(item_id=item.id, number=item.version, saved_at=item.updated_at,
                          author_id=getattr(actor, "id", None), source=source, note=note, snapshot=item_to_dict(item))
    db.session.add(version)
    return version


def _apply(item: BankItem, data: dict) -> None:
    for name in ("type", "competency", "area", "cognitive_level", "status", "pretest", "key"):
        setattr(item, name, data[name])
    item.enemies = list(data.get("enemies") or [])
    item.irt = dict(data["irt"]) if data.get("irt") else None
    for lang in set(item.variants) - set(data["variants"]):
        del item.variants[lang]
    for lang, v in data["variants"].items():
        variant = item.variants.get(lang) or BankVariant(language=lang)
        variant.status, variant.stem, variant.rationale = v["status"], v["stem"], v["rationale"]
        variant.options = {o["id"]: o["text"] for o in v["options"]}
        item.variants[lang] = variant


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    kept: int = 0   # changed in the files but edited by staff since: staff's version stays


def load_files(bank: Bank) -> LoadResult:
    """Bring exam_bank/ into the database. Items staff have edited here are left as staff left them."""
    result = LoadResult()
    existing = {i.id: i for i in db.session.scalars(select(BankItem))}
    for loaded in bank.items:
        data = item_to_dict(loaded)
        item = existing.get(loaded.id)
        if item is None:
            item = BankItem(id=loaded.id, source="file")
            db.session.add(item)
            _apply(item, data)
            write_version(item, None, "file", "exam_bank/")
            result.created += 1
        elif _same(item_to_dict(item), data):
            result.unchanged += 1
        elif item.source != "file":
            result.kept += 1
        else:
            _apply(item, data)
            write_version(item, None, "file", "exam_bank/")
            result.updated += 1
    if result.created or result.updated:
        audit.record("bank.loaded", created=result.created, updated=result.updated, kept=result.kept)
    return result


def _same(a: dict, b: dict) -> bool:
    def normal(d):
        return {**d, "irt": d.get("irt") or None, "enemies": sorted(d.get("enemies") or [])}
    return normal(a) == normal(b)


# -- staff edits ------------------------------------------------------------------------------------

def _check_version(item: BankItem, expected: int | None) -> None:
    if expected is not None and expected != item.version:
        raise DomainError("conflict", _("Someone saved this item after you opened it (version %(version)s). "
                                        "Your text is still in the form: compare it with the current item and save again.",
                                        version=item.version), status=409)


def _staff_saved(item: BankItem, actor, note: str) -> None:
    item.source = "staff"
    item.updated_by_id = actor.id
    write_version(item, actor, "staff", note)


def next_item_id(competency: int) -> str:
    ids = db.session.scalars(select(BankItem.id).where(BankItem.competency == competency)).all()
    numbers = [int(ITEM_ID.match(i).group(2)) for i in ids if ITEM_ID.match(i)]
    return f"PSS-{competency:02d}-{max(numbers, default=0) + 1:03d}"


def create_item(actor, blueprint: Blueprint, competency: int, cognitive_level: str, pretest: bool,
                stem: str, options: dict, key: str, rationale: str) -> BankItem:
    area = blueprint.area_of(competency)
    if area is None:
        raise DomainError("bad_input", _("Choose a competency from 1 to 17."))
    item_type = REGISTRY["single_best_answer"]
    _check_level(cognitive_level)
    _check_key(item_type, key)
    _check_text(item_type, stem, options, rationale)
    item = BankItem(id=next_item_id(competency), type=item_type.name, competency=competency, area=area,
                    cognitive_level=cognitive_level, status="draft", pretest=pretest, key=key, enemies=[], irt=None)
    item.variants["en"] = BankVariant(language="en", status="draft", stem=stem.strip(), rationale=rationale.strip(),
                                      options=_clean(options), updated_by_id=actor.id)
    db.session.add(item)
    _staff_saved(item, actor, _("New item"))
    audit.record("bank.item_created", item, actor=actor)
    return item


def _clean(options: dict) -> dict:
    return {oid: (text or "").strip() for oid, text in options.items()}


def _check_level(level: str) -> None:
    if level not in LEVELS:
        raise DomainError("bad_input", _("Choose a cognitive level."))


def _check_key(item_type, key: str) -> None:
    if not item_type.key_is_valid(key):
        raise DomainError("bad_input", _("Choose the correct option (the key)."))


def _check_text(item_type, stem: str, options: dict, rationale: str) -> None:
    missing = [oid for oid in item_type.option_ids if not (options.get(oid) or "").strip()]
    if not (stem or "").strip():
        raise DomainError("bad_input", _("Write the stem: the scenario and the question."))
    if missing:
        raise DomainError("bad_input", _("Write the text of every option (missing: %(options)s).",
                                         options=", ".join(o.upper() for o in missing)))
    if not (rationale or "").strip():
        raise DomainError("bad_input", _("Write the rationale: why the key is right and the other options are not."))


def save_metadata(actor, item: BankItem, expected_version: int | None, cognitive_level: str, pretest: bool,
                  key: str, enemies: list[str], note: str) -> None:
    _check_version(item, expected_version)
    _check_level(cognitive_level)
    _check_key(REGISTRY[item.type], key)
    enemies = sorted({e.strip().upper() for e in enemies if e.strip()})
    if item.id in enemies:
        raise DomainError("bad_input", _("An item cannot be its own enemy."))
    found = {i.id: i for i in db.session.scalars(select(BankItem).where(BankItem.id.in_(enemies)))} if enemies else {}
    unknown = [e for e in enemies if e not in found]
    if unknown:
        raise DomainError("bad_input", _("These enemy items do not exist: %(ids)s.", ids=", ".join(unknown)))
    key_changed = key != item.key
    for other_id in set(item.enemies or []) ^ set(enemies):   # enemies are mutual: keep both sides in step
        other = found.get(other_id) or db.session.get(BankItem, other_id)
        if other is None:
            continue
        mates = set(other.enemies or [])
        mates = mates | {item.id} if other_id in enemies else mates - {item.id}
        other.enemies = sorted(mates)
        write_version(other, actor, "staff", _("Enemy list changed with %(item)s", item=item.id))
    item.cognitive_level, item.pretest, item.key, item.enemies = cognitive_level, pretest, key, enemies
    if key_changed and item.status == "approved":
        item.status = "review"
    _staff_saved(item, actor, note)
    audit.record("bank.item_saved", item, actor=actor, reason=note or None, key_changed=key_changed)


def save_variant(actor, item: BankItem, expected_version: int | None, language: str, stem: str, options: dict,
                 rationale: str, note: str) -> None:
    if language not in LANGUAGES:
        raise DomainError("not_found", _("There is no such language."), status=404)
    _check_version(item, expected_version)
    item_type = REGISTRY[item.type]
    _check_text(item_type, stem, options, rationale)
    variant = item.variants.get(language) or BankVariant(language=language)
    variant.stem, variant.rationale, variant.options = stem.strip(), rationale.strip(), _clean(options)
    variant.status = "review"
    variant.updated_by_id = actor.id
    item.variants[language] = variant
    if language == "en" and item.status == "approved":
        item.status = "review"
    _staff_saved(item, actor, note)
    audit.record("bank.variant_saved", item, actor=actor, reason=note or None, language=language)


# -- review -----------------------------------------------------------------------------------------

ITEM_ACTIONS = {
    # action: (allowed from, to, note required)
    "submit": ({"draft"}, "review", False),
    "approve": ({"review"}, "approved", False),
    "return": ({"review", "approved"}, "draft", True),
    "retire": ({"draft", "review", "approved"}, "retired", True),
    "restore": ({"retired"}, "draft", True),
}


def review_item(actor, item: BankItem, action: str, note: str) -> None:
    if action not in ITEM_ACTIONS:
        raise DomainError("bad_input", _("Choose what to do with the item."))
    sources, target, needs_note = ITEM_ACTIONS[action]
    if item.status not in sources:
        raise DomainError("bad_state", _("An item in this state cannot be changed that way."), status=409)
    if needs_note and not note.strip():
        raise DomainError("bad_input", _("Say why in the note."))
    if action == "approve":
        if item.updated_by_id == actor.id:
            raise DomainError("four_eyes", _("Someone other than the last person who edited the item must approve it."),
                              status=403)
        english = item.variants.get("en")
        if english is None or english.status != "approved":
            raise DomainError("bad_state", _("Approve the English text first."), status=409)
    item.status = target
    write_version(item, actor, "review", note.strip())
    audit.record(f"bank.item_{action}", item, actor=actor, reason=note.strip() or None)


def review_variant(actor, item: BankItem, language: str, action: str, note: str) -> None:
    variant = item.variants.get(language)
    if variant is None:
        raise DomainError("not_found", _("This item has no text in that language yet."), status=404)
    if action == "approve":
        if variant.status != "review":
            raise DomainError("bad_state", _("Only text in review can be approved."), status=409)
        if variant.updated_by_id == actor.id:
            raise DomainError("four_eyes", _("Someone other than the person who wrote this text must approve it."),
                              status=403)
        variant.status = "approved"
    elif action == "return":
        if not note.strip():
            raise DomainError("bad_input", _("Say why in the note."))
        variant.status = "draft"
        if language == "en" and item.status == "approved":
            item.status = "review"
    else:
        raise DomainError("bad_input", _("Choose what to do with the text."))
    write_version(item, actor, "review", note.strip())
    audit.record(f"bank.variant_{action}", item, actor=actor, reason=note.strip() or None, language=language)


def changes(before: dict | None, after: dict) -> list[str]:
    """What differs between two snapshots, as short field names (``key``, ``es stem``, ``status``...)."""
    if before is None:
        return ["created"]
    fields = [name for name in ("status", "cognitive_level", "pretest", "key", "irt") if before.get(name) != after.get(name)]
    if sorted(before.get("enemies") or []) != sorted(after.get("enemies") or []):
        fields.append("enemies")
    for lang in LANGUAGES:
        old, new = before["variants"].get(lang), after["variants"].get(lang)
        if old == new:
            continue
        if old is None or new is None:
            fields.append(f"{lang}")
            continue
        fields.extend(f"{lang} {part}" for part in ("stem", "options", "rationale", "status") if old[part] != new[part])
    return fields
