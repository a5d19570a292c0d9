"""Where a person's pages are: the dashboards their roles open, and safe redirects."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import url_for
from flask_babel import lazy_gettext as _l

from .roles import PROVIDER_ROLES, STAFF_ROLES, Role

# (endpoint, label, roles that open it), in the order the navigation shows them.
DASHBOARDS = (
    ("exam.home", _l("Certification exam"), frozenset({Role.TRAINEE})),
    ("dashboards.trainee", _l("My training"), frozenset({Role.TRAINEE})),   # after the exam: a trainee's home
    ("dashboards.provider", _l("Training provider"), PROVIDER_ROLES),
    ("dashboards.proctor", _l("Proctoring"), frozenset({Role.PROCTOR})),
    ("admin.dashboard", _l("Certification staff"), STAFF_ROLES),
)


def dashboards_for(user) -> list[tuple[str, str]]:
    if not user.is_authenticated:
        return []
    return [(url_for(endpoint), str(label)) for endpoint, label, roles in DASHBOARDS if roles & user.role_set]


def home_url(user) -> str:
    """The dashboard a person lands on after signing in: the most specialised role first."""
    links = dashboards_for(user)
    return links[-1][0] if links else url_for("accounts.profile")


def safe_next(target: str | None) -> str | None:
    """``target`` if it is a path on this site, else None (no open redirects)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target


def init_app(app) -> None:
    @app.context_processor
    def _navigation_context():
        from flask_login import current_user

        from ..catalog.competencies import competency_name, status_label

        return {"dashboard_links": dashboards_for(current_user), "Role": Role, "competency_name": competency_name,
                "status_label": status_label}
