"""What people read about certifications: status names, and specialization titles in their language."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..catalog.models import Course
from ..extensions import db

STATUSES = {
    "active": _l("Active"),
    "expired": _l("Expired"),
    "lapsed": _l("Lapsed"),
    "suspended": _l("Suspended"),
    "revoked": _l("Revoked"),
}


def specialization_titles(slugs: list[str], lang: str) -> list[str]:
    """Each specialization's title in ``lang`` (from its latest version), in the order given."""
    if not slugs:
        return []
    courses = {c.slug: c for c in db.session.scalars(select(Course).where(Course.slug.in_(slugs)))}
    return [courses[s].versions[-1].text("title", lang) if s in courses and courses[s].versions else s for s in slugs]
