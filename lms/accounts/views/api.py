"""JSON endpoints about the signed-in person (described in /api/v1/openapi.json)."""
from __future__ import annotations

from flask import jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from ...core.access import authenticated
from ...core.errors import DomainError
from ...core.i18n import text_direction
from ...extensions import db
from .. import services
from ..blueprint import bp


def _me(user) -> dict:
    return {
        "id": user.id,
        "name": user.name,
        "email": user.email,
        "locale": user.locale,
        "text_direction": text_direction(user.locale),
        "roles": sorted(str(role) for role in user.role_set),
    }


@bp.route("/api/v1/me")
@authenticated
def api_me():
    return jsonify(_me(current_user))


@bp.route("/api/v1/me/preferences", methods=["POST"])
@authenticated
def api_preferences():
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict) or not isinstance(payload.get("locale"), str):
        raise DomainError("invalid_body", _('Send a JSON object with a "locale" field that names one of the languages.'))
    services.set_locale(current_user, payload["locale"])
    db.session.commit()
    return jsonify(_me(current_user))
