"""Application factory: config -> extensions -> blueprints -> CLI."""
from __future__ import annotations

from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from . import config as config_module
from .extensions import babel, csrf, db, limiter, login_manager, migrate

MIGRATIONS = str(Path(__file__).parent / "migrations")


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_path=_instance_path(), static_folder="core/static")
    config_module.load(app, config)

    if app.config["TRUSTED_PROXIES"]:
        n = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)

    from .core import database, i18n

    db.init_app(app)
    database.configure_engines(app)
    migrate.init_app(app, db, directory=MIGRATIONS, render_as_batch=True)
    babel.init_app(app, locale_selector=i18n.select_locale, timezone_selector=i18n.select_timezone)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)

    from .accounts.blueprint import bp as accounts_bp
    from .admin.blueprint import bp as admin_bp
    from .catalog.blueprint import bp as catalog_bp
    from .core.blueprint import bp as core_bp
    from .dashboards.blueprint import bp as dashboards_bp
    from .candidates.blueprint import bp as candidates_bp
    from .exam.blueprint import bp as exam_bp
    from .itembank.blueprint import bp as itembank_bp
    from .proctoring.blueprint import bp as proctoring_bp
    from .certification.blueprint import bp as certification_bp

    for bp in (core_bp, accounts_bp, dashboards_bp, catalog_bp, admin_bp, itembank_bp, candidates_bp, exam_bp,
               proctoring_bp, certification_bp):
        app.register_blueprint(bp)

    from .accounts import auth
    from .core import access, errors, navigation, security

    auth.init_app(app)
    i18n.init_app(app)
    navigation.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    access.init_app(app)  # last: checks that every view declares who may call it

    from .cli import register as register_cli

    register_cli(app)
    return app


def _instance_path() -> str:
    import os

    return os.environ.get("LMS_INSTANCE_PATH") or str(Path(__file__).resolve().parent.parent / "instance")
