"""Who may call a view, declared once per view and enforced before every request.

Every view carries one declaration: ``@public``, ``@authenticated`` or ``@roles_required(...)``.
``init_app`` refuses to start an application with an undeclared view, so a new route cannot
ship open by accident; tests/test_access_matrix.py checks each declaration against the roles.
"""
from __future__ import annotations

from dataclasses import dataclass
from flask import abort, request
from flask_login import current_user

from .roles import Role


@dataclass(frozen=True)
class Access:
    login: bool
    roles: frozenset[Role] = frozenset()

    def allows(self, user) -> bool:
        if not self.login:
            return True
        if not user.is_authenticated:
            return False
        return not self.roles or bool(self.roles & user.role_set)


PUBLIC = Access(login=False)
AUTHENTICATED = Access(login=True)


def _declare(access: Access):
    def decorate(view):
        view.access = access
        return view

    return decorate


public = _declare(PUBLIC)
authenticated = _declare(AUTHENTICATED)


def roles_required(*roles: Role):
    return _declare(Access(login=True, roles=frozenset(roles)))


def access_of(app, endpoint: str) -> Access:
    if endpoint == "static" or endpoint.endswith(".static"):
        return PUBLIC
    return app.view_functions[endpoint].access


def init_app(app) -> None:
    undeclared = [
        name
        for name, view in app.view_functions.items()
        if not (name == "static" or name.endswith(".static")) and not hasattr(view, "access")
    ]
    if undeclared:
        raise RuntimeError(f"views without an access declaration: {', '.join(sorted(undeclared))}")

    @app.before_request
    def _enforce_access():
        if request.endpoint is None:  # 404 and 405 are answered by their own handlers
            return None
        access = access_of(app, request.endpoint)
        if access.allows(current_user):
            return None
        if not current_user.is_authenticated:
            from ..extensions import login_manager

            return login_manager.unauthorized()
        abort(403)

