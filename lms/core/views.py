"""Pages that belong to no area: the front page, the language switcher, health, the API description."""
from __future__ import annotations

from flask import current_app, jsonify, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlalchemy import text

from ..extensions import db
from . import i18n
from .access import public
from .blueprint import bp
from .navigation import home_url, safe_next
from .openapi import document


@bp.route("/")
@public
def home():
    if current_user.is_authenticated:
        return redirect(home_url(current_user))
    return render_template("core/home.html")


@bp.route("/language", methods=["POST"])
@public
def choose_language():
    """The switcher on every page: remembered in a cookie, and saved to the profile when signed in."""
    code = i18n.supported(request.form.get("locale"))
    target = safe_next(request.form.get("next")) or url_for("core.home")
    response = redirect(target)
    if code:
        session["locale"] = code
        response.set_cookie(i18n.LOCALE_COOKIE, code, max_age=i18n.LOCALE_COOKIE_MAX_AGE,
                            samesite="Lax", secure=current_app.config["SESSION_COOKIE_SECURE"], httponly=True)
        if current_user.is_authenticated:
            from ..accounts.services import set_locale

            set_locale(current_user, code)
            db.session.commit()
    return response


@bp.route("/healthz")
@public
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
        return jsonify(status="ok", database="ok")
    except Exception as exc:  # noqa: BLE001 - any failure means the database is unreachable
        current_app.logger.warning("health check failed: %s", exc)
        db.session.rollback()
        return jsonify(status="error", database="unreachable"), 503


@bp.route("/api/v1/openapi.json")
@public
def openapi():
    return jsonify(document())
