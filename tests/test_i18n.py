"""Ten languages: catalogs complete and sound, locale choice, direction, formatting."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from lms.core.catalogs import check_catalog
from lms.core.i18n import LOCALES, negotiate
from lms.core.roles import Role

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "translations"


@pytest.fixture(scope="module")
def fresh_template(tmp_path_factory):
    """The strings in the code today, extracted the way `flask translate extract` does."""
    out = tmp_path_factory.mktemp("pot") / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg", "-k", "_l",
                    "--no-location", "-o", str(out), "lms"], cwd=ROOT, check=True, capture_output=True)
    with out.open("rb") as fh:
        return read_po(fh)


def test_template_is_up_to_date_with_the_code(fresh_template):
    with (TRANSLATIONS / "messages.pot").open("rb") as fh:
        committed = read_po(fh)
    in_code = {m.id for m in fresh_template if m.id}
    in_pot = {m.id for m in committed if m.id}
    assert in_code - in_pot == set(), "run `make extract-messages` and translate the new strings"


@pytest.mark.parametrize("code", list(LOCALES))
def test_catalog_is_complete_and_compiles(fresh_template, code):
    problems = check_catalog(fresh_template, TRANSLATIONS / code / "LC_MESSAGES" / "messages.po", code)
    assert problems == []


def test_the_checker_catches_what_it_should(tmp_path, fresh_template):
    """A catalog with a missing, a fuzzy and a broken-placeholder message fails the check."""
    source = (TRANSLATIONS / "es" / "LC_MESSAGES" / "messages.po").read_text(encoding="utf-8")
    broken = source.replace('msgstr "Iniciar sesión"', 'msgstr ""', 1)
    broken = re.sub(r'(msgid "Welcome, %\(name\)s"\nmsgstr ")[^"]*(")', r"\1Bienvenida, %(nombre)s\2", broken)
    path = tmp_path / "es" / "LC_MESSAGES" / "messages.po"
    path.parent.mkdir(parents=True)
    path.write_text(broken, encoding="utf-8")
    problems = check_catalog(fresh_template, path, "es")
    assert any("untranslated" in p for p in problems)
    assert any("placeholders differ" in p and "Welcome" in p for p in problems)


@pytest.mark.parametrize("code, direction", [(c, "rtl" if c in {"ar", "fa"} else "ltr") for c in LOCALES])
def test_every_page_declares_language_and_direction(client, code, direction):
    client.set_cookie("lms_locale", code)
    html = client.get("/login").get_data(as_text=True)
    assert f'<html lang="{code.replace("_", "-")}" dir="{direction}">' in html


@pytest.mark.parametrize("code", [c for c in LOCALES if c != "en"])
def test_pages_are_translated(client, code):
    client.set_cookie("lms_locale", code)
    html = client.get("/login").get_data(as_text=True)
    assert "Forgot your password?" not in html
    assert "Skip to main content" not in html


def test_tagalog_loads_its_own_catalog(client):
    """Babel reads `tl` as Filipino (fil_PH); the catalog under translations/tl still loads."""
    client.set_cookie("lms_locale", "tl")
    html = client.get("/login").get_data(as_text=True)
    with (TRANSLATIONS / "tl" / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        expected = read_po(fh).get("Forgot your password?").string
    assert expected in html


def test_locale_order_preference_then_switcher_then_browser(client, create_user):
    assert 'lang="ko"' in client.get("/login", headers={"Accept-Language": "ko-KR,ko;q=0.9"}).get_data(as_text=True)
    client.submit("/language", {"locale": "ru", "next": "/login"})
    html = client.get("/login", headers={"Accept-Language": "ko"}).get_data(as_text=True)
    assert 'lang="ru"' in html  # the switcher beats the browser
    user = create_user(locale="fa")
    from .conftest import sign_in

    sign_in(client, user.email)
    assert 'lang="fa"' in client.get("/account").get_data(as_text=True)  # the saved preference beats both


def test_switching_language_while_signed_in_saves_the_preference(app, client, login_as):
    user = login_as(Role.TRAINEE)
    client.submit("/language", {"locale": "hy", "next": "/account"})
    assert client.get("/api/v1/me").json["locale"] == "hy"
    assert user.locale == "en"  # the factory's copy is stale; the database has changed


def test_switcher_refuses_offsite_redirects(client):
    response = client.submit("/language", {"locale": "es", "next": "https://evil.example/"})
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("header, expected", [
    ("zh-TW,zh;q=0.9", "zh_Hant"), ("zh-Hant-HK", "zh_Hant"), ("zh-CN,en;q=0.5", "en"),
    ("fil-PH", "tl"), ("tl", "tl"), ("fa-IR", "fa"), ("de-DE,hy;q=0.8", "hy"), ("", None),
])
def test_accept_language_negotiation(header, expected):
    from werkzeug.datastructures import LanguageAccept
    from werkzeug.http import parse_accept_header

    result = negotiate(parse_accept_header(header, LanguageAccept))
    assert result == (expected if expected != "en" else "en") or (expected == "en" and result == "en")


def test_dates_in_farsi_use_persian_month_names(client, login_as, clock):
    login_as(Role.TRAINEE, locale="fa")
    assert "نوامبر" in client.get("/account").get_data(as_text=True)


def test_lists_are_joined_the_way_the_language_joins_them(client, login_as):
    login_as(Role.AUTHOR, Role.INSTRUCTOR, locale="ar")
    html = client.get("/provider/").get_data(as_text=True)
    assert " و" in html and ", " not in html.split("<main")[1]


def test_dates_follow_the_locale(client, login_as, clock):
    login_as(Role.TRAINEE, locale="es")
    html = client.get("/account").get_data(as_text=True)
    assert "24 nov 2026" in html  # the sign-in just now, in Spanish
