"""Commands: ``flask --app wsgi demo|translate|accounts ...``."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "translations"
POT = TRANSLATIONS / "messages.pot"

demo = AppGroup("demo", help="Demo data for local use.")
translate = AppGroup("translate", help="Extract, update and compile the message catalogs.")
accounts = AppGroup("accounts", help="Manage accounts from the command line.")
content = AppGroup("content", help="Validate and describe the course content in courses/.")
bank = AppGroup("bank", help="The item bank in exam_bank/ and its psychometrics.")
EXAM_BANK = ROOT / "exam_bank"
COURSES = ROOT / "courses"


def _load_content(only: str | None = None):
    from .catalog.loader import ContentInvalid, load_course, load_courses
    from .core.policy import settings

    try:
        if only:
            return [load_course(COURSES / only, settings())]
        return load_courses(COURSES, settings())
    except ContentInvalid as invalid:
        for problem in invalid.problems:
            click.echo(str(problem), err=True)
        raise click.ClickException(f"{len(invalid.problems)} problem(s) in the course content") from invalid


@content.command("check")
@click.option("--course", "only", help="Check one course folder only.")
def content_check(only: str | None):
    """Validate every course (exit 1 on any problem)."""
    courses = _load_content(only)
    for course in courses:
        click.echo(f"{course.slug}: {course.kind}, {len(course.modules)} modules, {course.planned_minutes} minutes")
    click.echo("content is valid")


@content.command("load")
def content_load():
    """Store the shipped courses in the database (unchanged courses are left alone)."""
    from .catalog.services import load_shipped
    from .extensions import db

    results = load_shipped(_load_content())
    db.session.commit()
    for slug, action in results:
        click.echo(f"{slug}: {action}")


@content.command("summary")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def content_summary(as_json: bool):
    """Describe every course: kind, minutes, languages, modules, lessons and questions."""
    import json

    courses = _load_content()
    if as_json:
        click.echo(json.dumps([c.summary_dict() for c in courses], ensure_ascii=False, indent=2))
        return
    for course in courses:
        click.echo(f"{course.slug} ({course.kind}): {course.planned_minutes}/{course.required_minutes} min, "
                   f"languages {', '.join(course.languages)}")
        for module in course.modules:
            click.echo(f"  {module.competency}: {module.title.get('en')} - {module.planned_minutes} min "
                       f"(min {module.min_minutes}), {len(module.questions)} questions")


@demo.command("seed")
def demo_seed():
    """Create the demo accounts (demo mode only; safe to run again)."""
    if not current_app.config["DEMO_MODE"]:
        raise click.ClickException("demo mode is off (set LMS_DEMO_MODE=1); production never gets demo accounts")
    from .demo import seed

    created = seed()
    click.echo(f"demo accounts created: {', '.join(created)}" if created else "demo accounts already present")


def _pybabel(*args: str) -> None:
    result = subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], cwd=ROOT)
    if result.returncode:
        raise click.ClickException(f"pybabel {args[0]} failed")


@translate.command("extract")
def translate_extract():
    """Write translations/messages.pot from the code and templates."""
    _pybabel("extract", "-F", "babel.cfg", "-k", "_l", "--no-location", "--sort-output",
             "--project", "medical-peer-lms", "-o", str(POT), "lms")


@translate.command("update")
def translate_update():
    """Extract, then merge new strings into every catalog (creating missing ones).

    English is the source language: its catalog is filled with the msgids themselves.
    """
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po, write_po

    from .core.i18n import LOCALES

    translate_extract.callback()
    for code in LOCALES:
        with POT.open("rb") as fh:
            template = read_po(fh)  # read afresh: Catalog.update shares the template's messages
        path = TRANSLATIONS / code / "LC_MESSAGES" / "messages.po"
        if path.exists():
            with path.open("rb") as fh:
                catalog = read_po(fh, locale=code)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            catalog = Catalog(locale=code, project="medical-peer-lms")
        catalog.update(template, no_fuzzy_matching=True)
        catalog.fuzzy = False  # a fuzzy header would make pybabel skip the whole catalog
        if code == "en":
            for message in catalog:
                if message.id and not any(message.string if message.pluralizable else [message.string]):
                    message.string = message.id  # a (singular, plural) pair for plural messages
        with path.open("wb") as fh:
            write_po(fh, catalog, ignore_obsolete=True, width=100, omit_header=False)
        click.echo(f"updated {path.relative_to(ROOT)}")


@translate.command("check")
def translate_check():
    """Report untranslated, fuzzy or broken messages in every catalog; exit 1 if any."""
    from .core.catalogs import check_all

    problems = check_all(TRANSLATIONS)
    for problem in problems:
        click.echo(problem)
    if problems:
        raise SystemExit(1)
    click.echo("all catalogs complete")


@translate.command("compile")
def translate_compile():
    """Compile every catalog to .mo (make does this for you)."""
    _pybabel("compile", "-d", str(TRANSLATIONS), "--statistics")


@accounts.command("create-admin")
@click.option("--email", prompt=True)
@click.option("--name", prompt=True)
@click.password_option()
def create_admin(email: str, name: str, password: str):
    """Create the first certification-staff account of a new installation."""
    from .accounts.models import RoleGrant, User
    from .accounts.services import find_user, hash_password, normalise_email, validate_new_password
    from .core import audit
    from .core.errors import DomainError
    from .core.roles import Role
    from .extensions import db

    if find_user(email):
        raise click.ClickException("an account with this email already exists")
    try:
        validate_new_password(password, email)
    except DomainError as error:
        raise click.ClickException(error.message) from error
    user = User(email=normalise_email(email), name=name.strip(), password_hash=hash_password(password))
    user.grants.append(RoleGrant(role=Role.ADMIN))
    db.session.add(user)
    db.session.flush()
    audit.record("account.created", user, via="cli", roles=["admin"])
    db.session.commit()
    click.echo(f"created administrator {user.email}")


@bank.command("check")
@click.option("--languages", is_flag=True, help="Also list approved-variant coverage per language.")
def bank_check(languages: bool):
    """Validate the blueprint and every item (exit 1 on any problem)."""
    from collections import Counter

    from .itembank.loader import BankInvalid, load_bank

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


def _shipped_bank():
    from .itembank.loader import BankInvalid, load_bank

    try:
        return load_bank(EXAM_BANK)
    except BankInvalid as invalid:
        raise click.ClickException(f"the item bank has problems; run `bank check`:\n{invalid}") from invalid


@bank.command("export")
@click.option("--json", "out", required=True, help="File to write.")
def bank_export(out: str):
    """Write every item with all its variants as JSON."""
    import json

    from .itembank.exchange import export_bank

    items = export_bank(_shipped_bank())
    Path(out).write_text(json.dumps(items, ensure_ascii=False, indent=2), encoding="utf-8")
    click.echo(f"{len(items)} items written to {out}")


@bank.command("import")
@click.option("--json", "source", required=True, help="File in the export format.")
def bank_import(source: str):
    """Replace exam_bank/items with the items of an export file (nothing changes if any is invalid)."""
    import json

    from .itembank.exchange import import_bank
    from .itembank.loader import BankInvalid

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
    import json

    from .itembank.exchange import VariantFileError, add_variants, export_bank, import_bank
    from .itembank.loader import BankInvalid

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
    import json

    from .itembank.exchange import simulate_bank
    from .itembank.loader import load_blueprint

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
    import json

    from .core.policy import setting
    from .itembank.assembly import AssemblyError, Pool, Spec, assemble_many
    from .itembank.exchange import items_from_export
    from .itembank.loader import load_blueprint

    blueprint = load_blueprint(EXAM_BANK / "blueprint.yaml")
    items = items_from_export(json.loads(Path(bank_file).read_text())) if bank_file else _shipped_bank().items
    area_keys = [a.key for a in blueprint.areas]
    pool = Pool.from_items(items, area_keys)
    spec = Spec(area_counts=tuple(a.scored_items for a in blueprint.areas), pretest_count=blueprint.pretest_items,
                max_exposure=setting("max_item_exposure"))
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
            "within_band": summary.within_band if summary.information is not None else None,
            "max_exposure": round(summary.max_exposure, 4), "mean_exposure": round(summary.mean_exposure, 4),
            "mean_pairwise_overlap": round(summary.mean_overlap, 4),
        },
    }
    Path(out).write_text(json.dumps(report, indent=1), encoding="utf-8")
    click.echo(json.dumps(report["summary"]))


def _responses(path: str):
    from .itembank.responses import ResponseFileError, read_responses

    try:
        return read_responses(Path(path))
    except (ResponseFileError, OSError) as error:
        raise click.ClickException(str(error)) from error


def _fmt(value) -> str:
    import math

    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.4f}"


@bank.command("calibrate")
@click.option("--model", type=click.Choice(["rasch", "2pl"]), default="2pl", show_default=True)
@click.option("--responses", "responses_path", required=True, help="CSV: candidate_id,item_id,score")
@click.option("--out", required=True, help="CSV written: item_id,a,b,se_a,se_b")
def bank_calibrate(model: str, responses_path: str, out: str):
    """Calibrate items by marginal maximum likelihood (needs only the file, not the database)."""
    from .itembank.psychometrics.irt import calibrate
    from .itembank.responses import write_csv

    _candidates, items, matrix = _responses(responses_path)
    fit = calibrate(matrix, model=model)
    write_csv(Path(out), ["item_id", "a", "b", "se_a", "se_b"],
              ([item, _fmt(a), _fmt(b), _fmt(sa), _fmt(sb)]
               for item, a, b, sa, sb in zip(items, fit.a, fit.b, fit.se_a, fit.se_b)))
    click.echo(f"{len(items)} items, {matrix.shape[0]} candidates, {fit.iterations} EM iterations, "
               f"{'converged' if fit.converged else 'NOT converged'}")


@bank.command("analyze")
@click.option("--responses", "responses_path", required=True, help="CSV: candidate_id,item_id,score")
@click.option("--out", required=True, help="CSV written: item_id,n,p,point_biserial,flags")
def bank_analyze(responses_path: str, out: str):
    """Classical item analysis with review flags."""
    from .itembank.psychometrics.classical import item_statistics
    from .itembank.responses import write_csv

    _candidates, items, matrix = _responses(responses_path)
    stats = item_statistics(matrix)
    write_csv(Path(out), ["item_id", "n", "p", "point_biserial", "flags"],
              ([item, int(n), _fmt(p), _fmt(r), " ".join(f)]
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
    import numpy as np

    from .itembank.psychometrics.dif import mantel_haenszel
    from .itembank.responses import ResponseFileError, read_groups, write_csv

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
            rows.append([items[result.item], focal, _fmt(result.delta), _fmt(result.se_delta),
                         _fmt(result.chi_square), result.category])
    write_csv(Path(out), ["item_id", "language", "delta", "se_delta", "chi_square", "category"], rows)
    flagged = sum(1 for r in rows if r[-1] in ("B", "C"))
    click.echo(f"{len(rows)} item-language pairs, {flagged} in class B or C")


def register(app) -> None:
    for group in (demo, translate, accounts, content, bank):
        app.cli.add_command(group)
