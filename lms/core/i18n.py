"""Locales: which one a request uses, its text direction, and what templates need to know."""
from __future__ import annotations

from datetime import datetime

from babel import Locale, support
from flask import g, request, session
from flask_babel import Domain, get_locale, get_timezone
from flask_login import current_user

from .clock import to_utc

# The ten languages we ship: the state's Medi-Cal threshold languages. Native names, never translated.
LOCALES: dict[str, str] = {
    "en": "English",
    "es": "Español",
    "zh_Hant": "中文（繁體）",
    "vi": "Tiếng Việt",
    "ko": "한국어",
    "tl": "Tagalog",
    "hy": "Հայերեն",
    "ru": "Русский",
    "fa": "فارسی",
    "ar": "العربية",
}
DEFAULT_LOCALE = "en"
LOCALE_COOKIE = "lms_locale"
LOCALE_COOKIE_MAX_AGE = 365 * 24 * 3600

# Accept-Language tags that name one of our locales by another spelling.
_ALIASES = {"fil": "tl", "zh-tw": "zh_Hant", "zh-hk": "zh_Hant", "zh-mo": "zh_Hant", "zh-hant": "zh_Hant"}


def supported(code: str | None) -> str | None:
    return code if code in LOCALES else None


def negotiate(accept_languages) -> str | None:
    """The best of our locales for an Accept-Language header, or None.

    Chinese is only offered in Traditional script: plain ``zh`` and ``zh-CN`` do not match.
    """
    for tag, _quality in accept_languages:
        tag = tag.lower().replace("_", "-")
        if tag in _ALIASES:
            return _ALIASES[tag]
        if tag.startswith("zh-hant"):
            return "zh_Hant"
        primary = tag.split("-")[0]
        if primary in _ALIASES:
            return _ALIASES[primary]
        if primary != "zh" and primary in LOCALES:
            return primary
    return None


def select_locale() -> str:
    """The user's saved preference, else the switcher's remembered choice, else Accept-Language."""
    forced = getattr(g, "force_locale", None)
    if forced:
        return forced
    if current_user and current_user.is_authenticated and supported(current_user.locale):
        return current_user.locale
    chosen = supported(session.get("locale")) or supported(request.cookies.get(LOCALE_COOKIE))
    if chosen:
        return chosen
    return negotiate(request.accept_languages) or DEFAULT_LOCALE


def code_of(locale) -> str:
    """Our code for a Babel locale. Babel reads ``tl`` as Filipino (``fil_PH``); we keep ``tl``."""
    text = str(locale)
    if text in LOCALES:
        return text
    if text.split("_")[0] == "fil":
        return "tl"
    return text.split("_")[0] if text.split("_")[0] in LOCALES else DEFAULT_LOCALE


def current_code() -> str:
    locale = get_locale()
    return code_of(locale) if locale is not None else DEFAULT_LOCALE


class CatalogDomain(Domain):
    """Loads each catalog from ``translations/<our code>``, so ``tl`` finds ``translations/tl``."""

    def get_translations(self):
        locale = get_locale()
        if locale is None:
            return support.NullTranslations()
        code = code_of(locale)
        key = (code, self.domain[0])
        translations = self.cache.get(key)
        if translations is None:
            translations = support.Translations()
            for dirname in self.translation_directories:
                catalog = support.Translations.load(dirname, [code], self.domain[0])
                translations.merge(catalog)
                if hasattr(catalog, "plural"):  # merge() does not carry the plural rule over
                    translations.plural = catalog.plural
            self.cache[key] = translations
        return translations


def select_timezone() -> str | None:
    return None  # BABEL_DEFAULT_TIMEZONE until users choose their own


def local_datetime(value: str):
    """A datetime-local form value, read in the request's time zone (the person's, else the installation's);
    None when it is not a date and time."""
    try:
        local = datetime.fromisoformat(value)
    except ValueError:
        return None
    return local if local.tzinfo is not None else to_utc(local, str(get_timezone()))


def text_direction(locale_code: str) -> str:
    return Locale.parse(locale_code).text_direction


def html_lang(locale_code: str) -> str:
    return locale_code.replace("_", "-")


def init_app(app) -> None:
    from ..extensions import babel

    babel.domain_instance = CatalogDomain()

    @app.template_filter("list_format")
    def _list_format(items) -> str:
        """Join words as the language does: "a, b and c", "a، b و c", "a、b 和 c"."""
        from babel.lists import format_list

        locale = get_locale() or DEFAULT_LOCALE
        return format_list([str(item) for item in items], locale=locale)

    @app.context_processor
    def _locale_context():
        code = current_code()
        return {
            "current_locale": code,
            "html_lang": html_lang(code),
            "text_dir": text_direction(code),
            "locales": LOCALES,
        }
