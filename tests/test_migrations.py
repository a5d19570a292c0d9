"""Migrations and models agree, so every schema change comes with its migration."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext


def test_models_match_the_migrations(app, db):
    with app.app_context():
        context = MigrationContext.configure(db.session.connection())
        diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_sqlite_runs_in_wal_mode_with_foreign_keys(app, db):
    from sqlalchemy import text

    with app.app_context():
        connection = db.session.connection()
        if connection.dialect.name != "sqlite":
            return
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
