"""The item bank loader: valid banks load; bad items are rejected with their file, line and problem."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from lms.itembank.loader import BankInvalid, load_bank

ROOT = Path(__file__).resolve().parents[2] / "exam_bank"
EXEMPLAR = ROOT / "items" / "01" / "PSS-01-001.yaml"


@pytest.fixture
def bank_dir(tmp_path):
    (tmp_path / "items" / "01").mkdir(parents=True)
    shutil.copy(ROOT / "blueprint.yaml", tmp_path / "blueprint.yaml")
    _copy_english_only(EXEMPLAR, tmp_path / "items" / "01" / "PSS-01-001.yaml")
    return tmp_path


def _copy_english_only(source, target):
    """The exemplar item with its English variant only, whatever translations the shipped bank has."""
    import yaml

    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    data["variants"] = {"en": data["variants"]["en"]}
    target.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _item(bank_dir) -> Path:
    return bank_dir / "items" / "01" / "PSS-01-001.yaml"


def _problems(bank_dir) -> list[str]:
    with pytest.raises(BankInvalid) as caught:
        load_bank(bank_dir)
    return [str(p) for p in caught.value.problems]


def test_the_exemplar_loads(bank_dir):
    bank = load_bank(bank_dir)
    [item] = bank.items
    assert (item.id, item.competency, item.area, item.key) == ("PSS-01-001", 1, "recovery-support", "c")
    assert bank.blueprint.length == 120 and bank.blueprint.area_of(13) == "crisis-management"


@pytest.mark.parametrize("old, new, message", [
    ("area: recovery-support", "area: advocacy", "'area' must be 'recovery-support'"),
    ("key: c", "key: e", "'key' must be one of the option ids a, b, c, d"),
    ("status: approved\npretest", "status: published\npretest", "'status' must be one of"),
    ("cognitive_level: application", "cognitive_level: guessing", "'cognitive_level' must be one of"),
    ("enemies: []", "enemies: [PSS-01-099]", "enemy PSS-01-099 is not an item"),
])
def test_bad_fields_are_named_with_their_line(bank_dir, old, new, message):
    path = _item(bank_dir)
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    problems = _problems(bank_dir)
    assert any(message in p for p in problems), problems
    line = next(i for i, l in enumerate(path.read_text().splitlines(), 1) if new.split("\n")[0] in l)
    if "enemy" not in message:
        assert any(p.startswith(f"{path}:{line}:") for p in problems), problems


def test_a_variant_must_have_all_four_options(bank_dir):
    import yaml

    path = _item(bank_dir)
    data = yaml.safe_load(path.read_text())
    del data["variants"]["en"]["options"]["d"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    assert any("variant en needs options a, b, c, d" in p for p in _problems(bank_dir))


def test_the_id_must_match_the_file(bank_dir):
    path = _item(bank_dir)
    path.rename(path.with_name("PSS-01-002.yaml"))
    assert any("must look like PSS-01-001 and match the file name" in p for p in _problems(bank_dir))


def test_the_blueprint_must_cover_every_competency_and_add_up(bank_dir):
    blueprint = bank_dir / "blueprint.yaml"
    blueprint.write_text(blueprint.read_text().replace("competencies: [13]", "competencies: []")
                         .replace("scored_items: 100", "scored_items: 99"))
    problems = _problems(bank_dir)
    assert any("every competency 1-17 must be in exactly one area" in p for p in problems)
    assert any("area item counts add up to 100, not 99" in p for p in problems)


def test_languages_are_offered_only_when_every_approved_item_has_them(bank_dir):
    bank = load_bank(bank_dir)
    assert bank.offerable_languages() == ["en"]
    assert bank.coverage()["es"] == 0
