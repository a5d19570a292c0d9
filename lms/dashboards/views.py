"""The home page of each audience. Later areas add their panels here."""
from __future__ import annotations

from flask import render_template
from flask_login import current_user

from ..core.access import roles_required
from ..core.roles import PROVIDER_ROLES, Role
from .blueprint import bp


@bp.route("/trainee/")
@roles_required(Role.TRAINEE)
def trainee():
    return render_template("dashboards/trainee.html")


@bp.route("/provider/")
@roles_required(*PROVIDER_ROLES)
def provider():
    memberships = [
        (org, sorted((g.role for g in current_user.grants if g.provider_id == org.id), key=str))
        for org in current_user.providers
    ]
    return render_template("dashboards/provider.html", memberships=memberships)


@bp.route("/proctor/")
@roles_required(Role.PROCTOR)
def proctor():
    return render_template("dashboards/proctor.html")
