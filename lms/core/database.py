"""Engine set-up shared by every database: SQLite gets WAL, foreign keys and real savepoints."""
from __future__ import annotations

from datetime import timezone

from sqlalchemy import DateTime, event
from sqlalchemy.types import TypeDecorator

from ..extensions import db


def configure_engines(app) -> None:
    with app.app_context():
        for engine in db.engines.values():
            if engine.dialect.name == "sqlite":
                _configure_sqlite(engine)


def _configure_sqlite(engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy, not the sqlite3 module, issue BEGIN: SAVEPOINTs then work.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
            # WAL's recommended setting: safe against application crashes, one fsync per checkpoint.
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        conn.exec_driver_sql("BEGIN" if _reads_only() else "BEGIN IMMEDIATE")


def writes(view):
    """Mark a GET view that writes (it moves the candidate's position, binds a device): on SQLite its
    transaction takes the write lock at BEGIN, as every POST does."""
    view.writes = True
    return view


def _reads_only() -> bool:
    """Page views only read; anything else takes SQLite's write lock when its transaction begins.

    A deferred transaction that reads and then writes fails with "database is locked" when another
    writer got in between, and waiting cannot fix that; taking the lock first makes writers queue
    (busy_timeout) instead, while page views stay concurrent. A GET view that writes says so with
    ``@writes``.
    """
    from flask import current_app, has_request_context, request

    if not has_request_context() or request.method not in ("GET", "HEAD", "OPTIONS"):
        return False
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    return not getattr(view, "writes", False)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every engine (SQLite stores naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None:
            if value.tzinfo is None:
                raise ValueError("naive datetime given to a UTC column")
            value = value.astimezone(timezone.utc)
        return value

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value
