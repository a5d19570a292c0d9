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


def register(app) -> None:
    from .certification.cli import certification
    from .exam.cli import exam
    from .itembank.cli import bank

    for group in (demo, translate, accounts, content, bank, exam, certification):
        app.cli.add_command(group)
