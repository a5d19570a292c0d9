"""Configuration: defaults in classes, overrides from ``LMS_*`` environment variables.

Nothing here is read at import time: :func:`load` is called by ``create_app``.
Every variable is listed in README.md under "Configuration".
"""
from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path


def _bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    SECRET_KEY: str | None = None
    SQLALCHEMY_DATABASE_URI: str | None = None  # default: SQLite under the instance folder
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}

    # Demo mode creates and allows the demo accounts; production leaves it off.
    DEMO_MODE = False

    # Sessions: a cookie signed with SECRET_KEY, revocable server-side through User.session_token.
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    SESSION_COOKIE_NAME = "lms_session"
    REMEMBER_COOKIE_DURATION = timedelta(days=14)

    # CSRF: the token lives as long as the session, so it never expires in a 3-hour sitting.
    WTF_CSRF_TIME_LIMIT = None
    WTF_CSRF_HEADERS = ["X-CSRFToken"]
    WTF_CSRF_SSL_STRICT = True
    WTF_I18N_ENABLED = False  # every validator message comes from our own catalogs

    # Passwords (argon2id). Tests lower the cost; production keeps argon2-cffi's defaults.
    PASSWORD_MIN_LENGTH = 10
    PASSWORD_HASH_TIME_COST = 3
    PASSWORD_HASH_MEMORY_COST = 65536
    PASSWORD_RESET_MAX_AGE = 3600  # seconds a reset link stays valid

    # Rate limits (Flask-Limiter notation). They slow down; nothing ever locks an account.
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_STRATEGY = "moving-window"
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_LIMIT_PER_ACCOUNT = "5 per minute; 30 per hour"
    LOGIN_LIMIT_PER_IP = "20 per minute; 200 per hour"
    RESET_LIMIT_PER_IP = "5 per minute; 30 per hour"
    VERIFY_LIMIT_PER_IP = "30 per minute"

    # Mail: "outbox" writes .eml files under instance/outbox (development); "smtp" sends.
    MAIL_BACKEND = "outbox"
    MAIL_OUTBOX_DIR: str | None = None
    MAIL_FROM = "Peer Support Certification <no-reply@localhost>"
    SMTP_HOST = "localhost"
    SMTP_PORT = 587
    SMTP_USERNAME: str | None = None
    SMTP_PASSWORD: str | None = None
    SMTP_STARTTLS = True

    # Number of reverse proxies in front of the app whose X-Forwarded-* headers are trusted.
    TRUSTED_PROXIES = 0

    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "America/Los_Angeles"


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret-key-not-for-production"
    PASSWORD_HASH_TIME_COST = 1
    PASSWORD_HASH_MEMORY_COST = 1024
    DEMO_MODE = True


# Environment variable -> (config key, parser)
ENVIRONMENT: dict[str, tuple[str, object]] = {
    "LMS_SECRET_KEY": ("SECRET_KEY", str),
    "LMS_DATABASE_URL": ("SQLALCHEMY_DATABASE_URI", str),
    "LMS_DEMO_MODE": ("DEMO_MODE", _bool),
    "LMS_SECURE_COOKIES": ("SESSION_COOKIE_SECURE", _bool),
    "LMS_SESSION_HOURS": ("PERMANENT_SESSION_LIFETIME", lambda v: timedelta(hours=float(v))),
    "LMS_PASSWORD_MIN_LENGTH": ("PASSWORD_MIN_LENGTH", int),
    "LMS_PASSWORD_RESET_MAX_AGE": ("PASSWORD_RESET_MAX_AGE", int),
    "LMS_RATELIMIT_STORAGE_URI": ("RATELIMIT_STORAGE_URI", str),
    "LMS_LOGIN_LIMIT_PER_ACCOUNT": ("LOGIN_LIMIT_PER_ACCOUNT", str),
    "LMS_LOGIN_LIMIT_PER_IP": ("LOGIN_LIMIT_PER_IP", str),
    "LMS_RESET_LIMIT_PER_IP": ("RESET_LIMIT_PER_IP", str),
    "LMS_VERIFY_LIMIT_PER_IP": ("VERIFY_LIMIT_PER_IP", str),
    "LMS_MAIL_BACKEND": ("MAIL_BACKEND", str),
    "LMS_MAIL_OUTBOX_DIR": ("MAIL_OUTBOX_DIR", str),
    "LMS_MAIL_FROM": ("MAIL_FROM", str),
    "LMS_SMTP_HOST": ("SMTP_HOST", str),
    "LMS_SMTP_PORT": ("SMTP_PORT", int),
    "LMS_SMTP_USERNAME": ("SMTP_USERNAME", str),
    "LMS_SMTP_PASSWORD": ("SMTP_PASSWORD", str),
    "LMS_SMTP_STARTTLS": ("SMTP_STARTTLS", _bool),
    "LMS_TRUSTED_PROXIES": ("TRUSTED_PROXIES", int),
    "LMS_TIMEZONE": ("BABEL_DEFAULT_TIMEZONE", str),
}


def load(app, overrides: dict | None = None) -> None:
    """Fill ``app.config``: class defaults, then the environment, then explicit overrides."""
    testing = bool(overrides and overrides.get("TESTING"))
    app.config.from_object(TestConfig if testing else Config)
    for name, (key, parse) in ENVIRONMENT.items():
        if name in os.environ and os.environ[name] != "":
            app.config[key] = parse(os.environ[name])
    if overrides:
        app.config.update(overrides)

    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance / 'lms.db'}"
    if not app.config.get("MAIL_OUTBOX_DIR"):
        app.config["MAIL_OUTBOX_DIR"] = str(instance / "outbox")
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(instance / "secret_key")
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(
        Path(app.root_path).parent / "translations"
    )


def _instance_secret(path: Path) -> str:
    """A random key kept in the instance folder, so every worker and restart shares it."""
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
    return path.read_text().strip()
