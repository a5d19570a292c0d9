"""Export, import, simulate and assemble through the commands people run."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from lms.itembank.exchange import export_bank, import_bank
from lms.itembank.loader import BankInvalid, load_bank

ROOT = Path(__file__).resolve().parents[2] / "exam_bank"


@pytest.fixture
def bank_dir(tmp_path):
    target = tmp_path / "bank"
    (target / "items" / "01").mkdir(parents=True)
    shutil.copy(ROOT / "blueprint.yaml", target / "blueprint.yaml")
    _copy_english_only(ROOT / "items" / "01" / "PSS-01-001.yaml", target / "items" / "01" / "PSS-01-001.yaml")
    return target


def _copy_english_only(source, target):
    """The exemplar item with its English variant only, whatever translations the shipped bank has."""
    import yaml

    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    data["variants"] = {"en": data["variants"]["en"]}
    target.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_export_then_import_is_lossless(bank_dir):
    before = load_bank(bank_dir)
    exported = export_bank(before)
    assert set(exported[0]) >= {"id", "competency", "area", "status", "pretest", "key", "variants"}
    assert exported[0]["variants"]["en"]["options"][0] == {"id": "a", "text": before.items[0].variants["en"].options["a"]}
    after = import_bank(json.loads(json.dumps(exported)), bank_dir)
    assert after.items == before.items


def test_a_bad_import_changes_nothing(bank_dir):
    exported = export_bank(load_bank(bank_dir))
    exported[0]["key"] = "z"
    original = (bank_dir / "items" / "01" / "PSS-01-001.yaml").read_text()
    with pytest.raises(BankInvalid):
        import_bank(exported, bank_dir)
    assert (bank_dir / "items" / "01" / "PSS-01-001.yaml").read_text() == original


def test_simulate_and_assemble_commands(app, tmp_path):
    runner = app.test_cli_runner()
    bank = tmp_path / "sim.json"
    assert runner.invoke(args=["bank", "simulate", "--items", "900", "--seed", "2", "--out", str(bank)]).exit_code == 0
    out = tmp_path / "forms.json"
    result = runner.invoke(args=["bank", "assemble", "--forms", "50", "--seed", "4", "--bank", str(bank), "--out", str(out)])
    assert result.exit_code == 0, result.output
    report = json.loads(out.read_text())
    assert len(report["forms"]) == 50 and all(len(form) == 120 for form in report["forms"])
    assert report["summary"]["blueprint_exact"] == 1.0 and report["summary"]["within_band"] >= 0.95
    again = tmp_path / "again.json"
    runner.invoke(args=["bank", "assemble", "--forms", "50", "--seed", "4", "--bank", str(bank), "--out", str(again)])
    assert json.loads(again.read_text())["forms"] == report["forms"]  # same seed, same forms


def test_translations_come_in_as_variants_and_bad_files_change_nothing(bank_dir):
    from lms.itembank.exchange import VariantFileError, add_variants

    exported = export_bank(load_bank(bank_dir))
    texts = {"PSS-01-001": {"stem": "Dana lleva un mes ...", "rationale": "C es correcta ...",
                            "options": {"a": "A", "b": "B", "c": "C", "d": "D"}}}
    merged = add_variants(exported, "es", texts)
    bank = import_bank(merged, bank_dir)
    assert bank.items[0].variants["es"].status == "review"
    assert bank.offerable_languages() == ["en"]  # under review: not offered yet
    approved = import_bank(add_variants(export_bank(bank), "es", texts, status="approved"), bank_dir)
    assert approved.offerable_languages() == ["en", "es"]
    with pytest.raises(VariantFileError, match="the options must be a, b, c, d"):
        add_variants(export_bank(bank), "es", {"PSS-01-001": {**texts["PSS-01-001"], "options": {"a": "A"}}})
    with pytest.raises(VariantFileError, match="not items of the bank"):
        add_variants(export_bank(bank), "es", {"PSS-99-001": texts["PSS-01-001"]})
