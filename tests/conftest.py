"""Fixtures: one migrated database per run (SQLite, or TEST_DATABASE_URL), rolled back per test.

``client`` is a test browser that sends the page's CSRF token like the real pages do;
``create_user`` and ``login_as`` are the factories every test uses.
"""
from __future__ import annotations

import os
import re
import uuid
from contextlib import contextmanager
from datetime import datetime, timezone
from itertools import count

import pytest
from flask.testing import FlaskClient

from lms.core.roles import Role

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")

try:
    import weasyprint  # noqa: F401
    HAVE_WEASYPRINT = True
except OSError:  # the Pango system library is missing
    HAVE_WEASYPRINT = False
needs_weasyprint = pytest.mark.skipif(
    not HAVE_WEASYPRINT, reason="WeasyPrint needs Pango: apt-get install -y libpango-1.0-0 fonts-noto-core")
PASSWORD = "correct horse battery"
_emails = count(1)


def pytest_report_header(config):
    engine = TEST_DATABASE_URL.split(":")[0] if TEST_DATABASE_URL else "sqlite"
    return f"database: {engine} (set TEST_DATABASE_URL to run on PostgreSQL)"


# Database -----------------------------------------------------------------------------------

@contextmanager
def _database(folder):
    """A new empty database: a SQLite file in ``folder``, or a fresh schema in TEST_DATABASE_URL's database."""
    if not TEST_DATABASE_URL:
        yield f"sqlite:///{folder / 'test.db'}"
        return
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(TEST_DATABASE_URL).set(drivername="postgresql+psycopg")
    schema = f"lms_test_{uuid.uuid4().hex[:10]}"
    conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield url.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    with _database(tmp_path_factory.mktemp("db")) as url:
        yield url


@pytest.fixture
def committed_app(tmp_path):
    """An application on its own new database where commits are real: for tests of concurrent requests.

    Each thread uses its own application context (its own connection), as gunicorn's threads do.
    """
    from flask_migrate import upgrade

    from lms import create_app
    from lms.extensions import db as _db

    with _database(tmp_path) as url:
        app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url,
                          "MAIL_OUTBOX_DIR": str(tmp_path / "outbox")})
        with app.app_context():
            upgrade()
        yield app
        with app.app_context():
            _db.session.remove()
            _db.engine.dispose()


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    os.environ["LMS_INSTANCE_PATH"] = str(tmp_path_factory.mktemp("instance"))
    from flask_migrate import upgrade

    from lms import create_app
    from lms.extensions import db as _db

    app = create_app({
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "MAIL_OUTBOX_DIR": str(tmp_path_factory.mktemp("outbox")),
    })
    with app.app_context():
        upgrade()
        _db.engine.dispose()
    return app


@pytest.fixture
def db(app):
    """The database, inside a transaction that is rolled back after the test.

    The application's own commits become savepoints of that transaction. No application
    context stays pushed during the test: each request gets its own, as in production
    (use ``with app.app_context():`` to query in a test).
    """
    from lms.extensions import db as _db

    with app.app_context():
        engines = _db.engines
        engine = engines[None]
        connection = engine.connect()
        transaction = connection.begin()
        engines[None] = connection
        _db.session.session_factory.configure(join_transaction_mode="create_savepoint")
    try:
        yield _db
    finally:
        with app.app_context():
            _db.session.remove()
            transaction.rollback()
            connection.close()
            engines[None] = engine


def _detached(db, obj):
    """Hand a committed row to the test, loaded and detached from the session."""
    db.session.refresh(obj)
    db.session.expunge(obj)
    return obj


@pytest.fixture(autouse=True)
def _fresh_state(app, tmp_path):
    """Each test starts with no rate-limit counters, an empty outbox and the real clock."""
    from lms.extensions import limiter
    from lms.itembank.statistics import forget_built_pool
    from lms.itembank.store import forget_built_bank

    with app.app_context():
        limiter.reset()
    forget_built_bank()   # rolled-back rows under the frozen clock would look unchanged to the bank's stamp
    forget_built_pool()
    app.config["MAIL_OUTBOX_DIR"] = str(tmp_path / "outbox")
    app.config["CLOCK"] = None
    app.config["DEMO_MODE"] = True
    yield


# Clock --------------------------------------------------------------------------------------

class FrozenClock:
    def __init__(self, at: datetime):
        self.at = at

    def __call__(self) -> datetime:
        return self.at

    def advance(self, **delta) -> None:
        from datetime import timedelta

        self.at += timedelta(**delta)

    def set(self, at: datetime) -> None:
        self.at = at


@pytest.fixture
def clock(app):
    frozen = FrozenClock(datetime(2026, 11, 24, 17, 0, tzinfo=timezone.utc))
    app.config["CLOCK"] = frozen
    return frozen


# Browser ------------------------------------------------------------------------------------

_META_TOKEN = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


class Client(FlaskClient):
    """A test client that sends the CSRF token the way the pages and scripts do."""

    def csrf_token(self) -> str:
        page = self.get("/", follow_redirects=True)
        match = _META_TOKEN.search(page.get_data(as_text=True))
        assert match, "no CSRF token on the home page"
        return match.group(1)

    def submit(self, url: str, data: dict | None = None, **kwargs):
        data = dict(data or {})
        data.setdefault("csrf_token", self.csrf_token())
        return self.post(url, data=data, **kwargs)

    def post_json(self, url: str, payload, **kwargs):
        headers = {"X-CSRFToken": self.csrf_token(), "Accept": "application/json", **kwargs.pop("headers", {})}
        return self.post(url, json=payload, headers=headers, **kwargs)


@pytest.fixture
def client(app, db):
    app.test_client_class = Client
    # Not `with app.test_client()`: that keeps the last request's context pushed, and the
    # next request (of any client) would share its `g` (signed-in user, locale, CSRF token).
    return app.test_client()


@pytest.fixture
def new_client(app, db):
    """Another browser, for tests about several sessions at once."""
    app.test_client_class = Client

    def make() -> Client:
        return app.test_client()

    return make


# Factories ----------------------------------------------------------------------------------

@pytest.fixture
def create_provider(app, db):
    from lms.providers.models import Provider

    def make(name: str | None = None) -> Provider:
        with app.app_context():
            provider = Provider(name=name or f"Provider {next(_emails)}")
            db.session.add(provider)
            db.session.commit()
            return _detached(db, provider)

    return make


@pytest.fixture
def create_user(app, db, create_provider):
    from lms.accounts.models import RoleGrant, User
    from lms.accounts.services import hash_password

    def make(*roles: Role, email: str | None = None, password: str = PASSWORD, provider=None,
             locale: str = "en", name: str = "Test Person", **fields) -> User:
        roles = roles or (Role.TRAINEE,)
        if provider is None and any(role.needs_provider for role in roles):
            provider = create_provider()
        with app.app_context():
            user = User(email=email or f"person{next(_emails)}@example.org", name=name, locale=locale,
                        password_hash=hash_password(password), **fields)
            for role in roles:
                user.grants.append(RoleGrant(role=role, provider_id=provider.id if role.needs_provider else None))
            db.session.add(user)
            db.session.commit()
            return _detached(db, user)

    return make


def sign_in(client: Client, email: str, password: str = PASSWORD, **extra):
    return client.submit("/login", {"email": email, "password": password, **extra})


@pytest.fixture
def login_as(client, create_user):
    """Sign ``client`` in as a new person holding ``roles``; returns that person."""

    def login(*roles: Role, **kwargs):
        user = create_user(*roles, **kwargs)
        response = sign_in(client, user.email)
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return user

    return login


@pytest.fixture
def outbox(app):
    from lms.core.mail import outbox_messages

    return lambda: outbox_messages(app.config["MAIL_OUTBOX_DIR"])
