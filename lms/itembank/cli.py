"""Commands for the item bank: ``flask --app wsgi bank ...`` (the psychometric ones need only files)."""
from __future__ import annotations

import json
import math
from collections import Counter
from pathlib import Path

import click
import numpy as np
from flask.cli import AppGroup

from .assembly import AssemblyError, Pool, assemble_many
from .exchange import (VariantFileError, add_variants, export_bank, import_bank, items_from_export,
                       simulate_bank)
from .loader import EXAM_BANK, BankInvalid, load_bank, load_blueprint
from .psychometrics.classical import item_statistics
from .psychometrics.dif import mantel_haenszel
from .psychometrics.irt import calibrate
from .responses import ResponseFileError, csv_number, read_groups, read_responses, write_csv
from .statistics import form_spec

bank = AppGroup("bank", help="The item bank in exam_bank/ and its psychometrics.")


@bank.command("check")
@click.option("--languages", is_flag=True, help="Also list approved-variant coverage per language.")
def bank_check(languages: bool):
    """Validate the blueprint and every item (exit 1 on any problem)."""
    try:
        loaded = load_bank(EXAM_BANK)
    except BankInvalid as invalid:
        for problem in invalid.problems:
            click.echo(str(problem), err=True)
        raise click.ClickException(f"{len(invalid.problems)} problem(s) in the item bank") from invalid
    scored = Counter(i.competency for i in loaded.items if i.status == "approved" and not i.pretest)
    pretest = sum(1 for i in loaded.items if i.status == "approved" and i.pretest)
    click.echo(f"{len(loaded.items)} items: {sum(scored.values())} approved scored "
               f"(fewest per competency: {min(scored.values(), default=0)}), {pretest} approved pretest")
    if languages:
        for lang, count in loaded.coverage().items():
            click.echo(f"  {lang}: {count} approved variants")
        click.echo(f"languages that can be offered: {', '.join(loaded.offerable_languages()) or 'none'}")
    click.echo("bank is valid")


@bank.command("load")
def bank_load():
    """Bring exam_bank/ into the database (new and changed items; staff edits made there are kept)."""
    from ..extensions import db
    from .store import load_files

    result = load_files(_shipped_bank())
    db.session.commit()
    click.echo(f"{result.created} items added, {result.updated} updated, {result.unchanged} unchanged, "
               f"{result.kept} kept as staff edited them")


def _shipped_bank():

    try:
        return load_bank(EXAM_BANK)
    except BankInvalid as invalid:
        raise click.ClickException(f"the item bank has problems; run `bank check`:\n{invalid}") from invalid


@bank.command("export")
@click.option("--json", "out", required=True, help="File to write.")
def bank_export(out: str):
    """Write every item with all its variants as JSON."""
    items = export_bank(_shipped_bank())
    Path(out).write_text(json.dumps(items, ensure_ascii=False, indent=2), encoding="utf-8")
    click.echo(f"{len(items)} items written to {out}")


@bank.command("import")
@click.option("--json", "source", required=True, help="File in the export format.")
def bank_import(source: str):
    """Replace exam_bank/items with the items of an export file (nothing changes if any is invalid)."""
    try:
        loaded = import_bank(json.loads(Path(source).read_text(encoding="utf-8")), EXAM_BANK)
    except BankInvalid as invalid:
        for problem in invalid.problems:
            click.echo(str(problem), err=True)
        raise click.ClickException("nothing was imported") from invalid
    except (ValueError, KeyError, TypeError) as error:
        raise click.ClickException(f"{source}: not in the export format ({error}); nothing was imported") from error
    click.echo(f"{len(loaded.items)} items imported")


@bank.command("add-variants")
@click.option("--language", required=True)
@click.option("--json", "source", required=True, help="{item_id: {stem, options: {a..d}, rationale}}")
@click.option("--status", default="review", show_default=True, help="Review status of the new variants.")
def bank_add_variants(language: str, source: str, status: str):
    """Add or replace one language's variants from a translator's file (nothing changes if any is invalid)."""
    try:
        texts = json.loads(Path(source).read_text(encoding="utf-8"))
        merged = add_variants(export_bank(_shipped_bank()), language, texts, status)
        loaded = import_bank(merged, EXAM_BANK)
    except (VariantFileError, ValueError, KeyError) as error:
        raise click.ClickException(f"{source}: {error}; nothing was changed") from error
    except BankInvalid as invalid:
        for problem in invalid.problems:
            click.echo(str(problem), err=True)
        raise click.ClickException("nothing was changed") from invalid
    click.echo(f"{len(texts)} {language} variants added; {loaded.coverage()[language]} approved {language} variants")


@bank.command("simulate")
@click.option("--items", "n_items", type=int, required=True)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--out", required=True)
def bank_simulate(n_items: int, seed: int, out: str):
    """Write a synthetic calibrated bank in the export format (for benchmarks)."""
    items = simulate_bank(load_blueprint(EXAM_BANK / "blueprint.yaml"), n_items, seed)
    Path(out).write_text(json.dumps(items, indent=1), encoding="utf-8")
    click.echo(f"{len(items)} simulated items written to {out}")


@bank.command("assemble")
@click.option("--forms", "n_forms", type=int, required=True)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--out", required=True)
@click.option("--bank", "bank_file", help="A bank in the export format instead of the shipped one.")
def bank_assemble(n_forms: int, seed: int, out: str, bank_file: str | None):
    """Assemble forms and report blueprint counts, information, exposure and overlap."""
    blueprint = load_blueprint(EXAM_BANK / "blueprint.yaml")
    items = items_from_export(json.loads(Path(bank_file).read_text())) if bank_file else _shipped_bank().items
    area_keys = [a.key for a in blueprint.areas]
    pool = Pool.from_items(items, area_keys)
    spec = form_spec(blueprint)
    try:
        summary = assemble_many(pool, spec, n_forms, seed)
    except AssemblyError as error:
        raise click.ClickException(f"cannot assemble: {error}") from error
    report = {
        "forms": [[str(pool.ids[i]) for i in form] for form in summary.forms],
        "summary": {
            "blueprint_exact": summary.blueprint_exact,
            "blueprint": {key: count for key, count in zip(area_keys, spec.area_counts)},
            "information_at": list(spec.thetas),
            "information_mean": summary.information.mean(axis=0).round(3).tolist() if summary.information is not None else None,
            "difficulty_mean": round(float(summary.difficulty.mean()), 4) if summary.difficulty is not None else None,
            "within_band": None if math.isnan(summary.within_band) else summary.within_band,
            "max_exposure": round(summary.max_exposure, 4), "mean_exposure": round(summary.mean_exposure, 4),
            "mean_pairwise_overlap": round(summary.mean_overlap, 4),
        },
    }
    Path(out).write_text(json.dumps(report, indent=1), encoding="utf-8")
    click.echo(json.dumps(report["summary"]))


def _responses(path: str):

    try:
        return read_responses(Path(path))
    except (ResponseFileError, OSError) as error:
        raise click.ClickException(str(error)) from error


@bank.command("calibrate")
@click.option("--model", type=click.Choice(["rasch", "2pl"]), default="2pl", show_default=True)
@click.option("--responses", "responses_path", required=True, help="CSV: candidate_id,item_id,score")
@click.option("--out", required=True, help="CSV written: item_id,a,b,se_a,se_b")
def bank_calibrate(model: str, responses_path: str, out: str):
    """Calibrate items by marginal maximum likelihood (needs only the file, not the database)."""
    _candidates, items, matrix = _responses(responses_path)
    fit = calibrate(matrix, model=model)
    write_csv(Path(out), ["item_id", "a", "b", "se_a", "se_b"],
              ([item, csv_number(a), csv_number(b), csv_number(sa), csv_number(sb)]
               for item, a, b, sa, sb in zip(items, fit.a, fit.b, fit.se_a, fit.se_b)))
    click.echo(f"{len(items)} items, {matrix.shape[0]} candidates, {fit.iterations} EM iterations, "
               f"{'converged' if fit.converged else 'NOT converged'}")


@bank.command("analyze")
@click.option("--responses", "responses_path", required=True, help="CSV: candidate_id,item_id,score")
@click.option("--out", required=True, help="CSV written: item_id,n,p,point_biserial,flags")
def bank_analyze(responses_path: str, out: str):
    """Classical item analysis with review flags."""
    _candidates, items, matrix = _responses(responses_path)
    stats = item_statistics(matrix)
    write_csv(Path(out), ["item_id", "n", "p", "point_biserial", "flags"],
              ([item, int(n), csv_number(p), csv_number(r), " ".join(f)]
               for item, n, p, r, f in zip(items, stats.n, stats.p, stats.point_biserial, stats.flags)))
    flagged = sum(1 for f in stats.flags if f)
    click.echo(f"{len(items)} items analysed, {flagged} flagged for review")


@bank.command("dif")
@click.option("--responses", "responses_path", required=True, help="CSV: candidate_id,item_id,score")
@click.option("--groups", "groups_path", required=True, help="CSV: candidate_id,language")
@click.option("--reference", default="en", show_default=True)
@click.option("--out", required=True, help="CSV written: item_id,language,delta,se_delta,chi_square,category")
def bank_dif(responses_path: str, groups_path: str, reference: str, out: str):
    """Mantel-Haenszel DIF of every language against the reference language."""
    candidates, items, matrix = _responses(responses_path)
    try:
        groups = read_groups(Path(groups_path))
    except (ResponseFileError, OSError) as error:
        raise click.ClickException(str(error)) from error
    language = np.array([groups.get(c, "") for c in candidates])
    reference_mask = language == reference
    rows = []
    for focal in sorted(set(language) - {reference, ""}):
        for result in mantel_haenszel(matrix, language == focal, reference_mask):
            rows.append([items[result.item], focal, csv_number(result.delta), csv_number(result.se_delta),
                         csv_number(result.chi_square), result.category])
    write_csv(Path(out), ["item_id", "language", "delta", "se_delta", "chi_square", "category"], rows)
    flagged = sum(1 for r in rows if r[-1] in ("B", "C"))
    click.echo(f"{len(rows)} item-language pairs, {flagged} in class B or C")
