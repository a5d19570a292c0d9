"""What people read for the bank's codes: areas, statuses, levels, review actions, statistics flags."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

AREAS = {
    "administrative": _l("Administrative Responsibilities"),
    "foundations": _l("Behavioral Health Foundations"),
    "interpersonal": _l("Interpersonal Skills"),
    "recovery-support": _l("Recovery Support"),
    "advocacy": _l("Advocacy"),
    "community-inclusion": _l("Community Inclusion"),
    "resource-linkage": _l("Resource Linkage"),
    "crisis-management": _l("Crisis Management"),
}

STATUSES = {"draft": _l("Draft"), "review": _l("In review"), "approved": _l("Approved"), "retired": _l("Retired")}

LEVELS = {"recall": _l("Recall"), "application": _l("Application"), "analysis": _l("Analysis")}

ACTIONS = {
    "submit": _l("Submit for review"),
    "approve": _l("Approve"),
    "return": _l("Return to the writer"),
    "retire": _l("Retire"),
    "restore": _l("Restore as a draft"),
}

FLAGS = {
    "flagged": _l("Any flag"),
    "too_hard": _l("Too hard (p below 0.30)"),
    "too_easy": _l("Too easy (p above 0.89)"),
    "low_discrimination": _l("Low discrimination (point-biserial below 0.20)"),
    "dif": _l("Differential functioning by language (class C)"),
}

SOURCES = {"file": _l("Loaded from exam_bank/"), "staff": _l("Edited"), "review": _l("Review"),
           "calibration": _l("Calibration")}


def flag_label(code: str) -> str:
    if code.startswith("dif_"):
        from ..core.i18n import LOCALES
        return str(_l("Differential functioning in %(language)s", language=LOCALES.get(code[4:], code[4:])))
    return str(FLAGS.get(code, code))
