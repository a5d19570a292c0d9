"""Flask-Login wiring: loading the user from the session, and what an anonymous request gets."""
from __future__ import annotations

import hmac

from flask import redirect, request, url_for
from flask_babel import lazy_gettext as _l

from ..core.errors import error_response, wants_json
from ..extensions import db, login_manager
from .models import User
from .services import may_hold_session


def init_app(app) -> None:
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please sign in to continue.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def _load_user(cookie_id: str):
        user_id, _sep, token = cookie_id.partition(":")
        if not user_id.isdigit() or not token:
            return None
        user = db.session.get(User, int(user_id))
        if user is None or not hmac.compare_digest(user.session_token, token):
            return None  # the session was ended: logout, password change or account disabled
        return user if may_hold_session(user) else None

    @login_manager.unauthorized_handler
    def _unauthorized():
        if wants_json():
            return error_response(401)
        from flask import flash

        flash(str(login_manager.login_message), "info")
        return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
