"""Names of the 17 core competencies, translated; specialization competencies come with their course."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

CORE_COMPETENCIES = {
    "1": _l("Hope, recovery and wellness"),
    "2": _l("The role of advocacy"),
    "3": _l("The role of consumers and family members"),
    "4": _l("Psychiatric rehabilitation skills and service delivery, and addiction recovery principles"),
    "5": _l("Cultural and structural competence"),
    "6": _l("Trauma-informed care"),
    "7": _l("Group facilitation skills"),
    "8": _l("Self-awareness and self-care"),
    "9": _l("Co-occurring disorders of mental health and substance use"),
    "10": _l("Conflict resolution"),
    "11": _l("Professional boundaries and ethics"),
    "12": _l("Preparation for employment"),
    "13": _l("Safety and crisis planning"),
    "14": _l("Navigation of, and referral to, other services"),
    "15": _l("Documentation skills and standards"),
    "16": _l("Confidentiality"),
    "17": _l("Digital literacy"),
}


def competency_name(version, key: str, lang: str) -> str:
    if key in CORE_COMPETENCIES:
        return str(CORE_COMPETENCIES[key])
    title = (version.competencies or {}).get(key) or {}
    return title.get(lang) or title.get("en") or key


STATUS_LABELS = {"active": _l("In progress"), "completed": _l("Completed"), "withdrawn": _l("Withdrawn")}


def status_label(status) -> str:
    return str(STATUS_LABELS.get(str(status), status))
