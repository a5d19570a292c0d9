"""The bank we ship: valid, enough approved items per competency, every language variant consistent."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from lms.itembank.loader import LANGUAGES, load_bank

ROOT = Path(__file__).resolve().parents[2] / "exam_bank"


@pytest.fixture(scope="module")
def bank():
    return load_bank(ROOT)


def test_bank_check_passes(app):
    result = app.test_cli_runner().invoke(args=["bank", "check", "--languages"])
    assert result.exit_code == 0, result.output
    assert "bank is valid" in result.output


def test_twelve_approved_scored_items_per_competency_and_twenty_pretest(bank):
    approved = [i for i in bank.items if i.status == "approved"]
    scored = Counter(i.competency for i in approved if not i.pretest)
    assert set(scored) == set(range(1, 18)) and min(scored.values()) >= 12
    assert sum(1 for i in approved if i.pretest) >= 20


def test_keys_are_spread_over_the_options(bank):
    keys = Counter(i.key for i in bank.items)
    assert min(keys.values()) >= len(bank.items) / 4 * 0.8


def test_every_variant_has_the_same_option_ids_as_english(bank):
    for item in bank.items:
        for lang, variant in item.variants.items():
            assert lang in LANGUAGES
            assert set(variant.options) == set(item.variants["en"].options), (item.id, lang)


def test_the_assembler_can_build_a_form_from_the_shipped_bank(app, tmp_path):
    result = app.test_cli_runner().invoke(args=["bank", "assemble", "--forms", "20", "--seed", "1",
                                                "--out", str(tmp_path / "forms.json")])
    assert result.exit_code == 0, result.output
    assert '"blueprint_exact": 1.0' in result.output


def test_every_item_has_all_ten_approved_variants(bank):
    for item in bank.items:
        assert set(item.variants) == set(LANGUAGES), item.id
        assert all(v.status == "approved" for v in item.variants.values()), item.id
    assert bank.offerable_languages() == list(LANGUAGES)


def test_right_to_left_variants_use_arabic_script_and_no_eastern_digits(bank):
    import re

    eastern_digits = re.compile("[\u06f0-\u06f9\u0660-\u0669]")
    for item in bank.items:
        for lang in ("fa", "ar"):
            text = item.variants[lang].stem
            assert re.search("[\u0600-\u06ff]", text), (item.id, lang)
            assert not eastern_digits.search(text), (item.id, lang)
