"""Checks that every catalog is complete and sound: used by `flask translate check` and the tests."""
from __future__ import annotations

import io
import re
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from .i18n import LOCALES

PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]|\{(\w*)\}")
# Above this share of messages left identical to the English, a catalog is an English copy.
MAX_IDENTICAL_SHARE = 0.08


def placeholders(text: str) -> set[str]:
    return {m.group(0) for m in PLACEHOLDER.finditer(text)}


def load(path: Path, code: str):
    with path.open("rb") as fh:
        return read_po(fh, locale=code)


def check_catalog(template, path: Path, code: str) -> list[str]:
    where = f"{path.parent.parent.name}"
    if not path.exists():
        return [f"{where}: catalog missing ({path})"]
    catalog = load(path, code)
    problems: list[str] = []
    if catalog.fuzzy:
        problems.append(f"{where}: the catalog header is marked fuzzy, so it would not compile")
    identical = 0
    total = 0
    for expected in template:
        if not expected.id:
            continue
        total += 1
        message = catalog.get(expected.id, context=expected.context)
        label = expected.id[0] if isinstance(expected.id, tuple) else expected.id
        label = label.replace("\n", " ")[:70]
        if message is None:
            problems.append(f"{where}: missing {label!r}")
            continue
        if message.fuzzy:
            problems.append(f"{where}: fuzzy {label!r}")
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(form and form.strip() for form in forms):
            problems.append(f"{where}: untranslated {label!r}")
            continue
        ids = expected.id if isinstance(expected.id, tuple) else (expected.id,)
        wanted = placeholders(ids[-1]) | placeholders(ids[0])
        for form in forms:
            # One plural form in a language without plurals may stand for "one" or "many".
            if placeholders(form) - wanted or (len(forms) == 1 or len(ids) == 1) and placeholders(form) != placeholders(ids[-1]):
                problems.append(f"{where}: placeholders differ in {label!r}: {sorted(placeholders(form))}")
        if code != "en" and forms[0].strip() == ids[0].strip():
            identical += 1
    if code != "en" and total and identical / total > MAX_IDENTICAL_SHARE:
        problems.append(f"{where}: {identical} of {total} messages are left in English")
    for message, errors in catalog.check():
        for error in errors:
            problems.append(f"{where}: {error} in {message.id!r}")
    try:
        write_mo(io.BytesIO(), catalog)
    except Exception as exc:  # noqa: BLE001 - any failure to compile is the finding
        problems.append(f"{where}: does not compile: {exc}")
    return problems


def check_all(translations: Path) -> list[str]:
    with (translations / "messages.pot").open("rb") as fh:
        template = read_po(fh)
    problems: list[str] = []
    for code in LOCALES:
        problems += check_catalog(template, translations / code / "LC_MESSAGES" / "messages.po", code)
    return problems
