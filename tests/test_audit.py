"""The audit log is append-only, in the ORM and in the database itself."""
from __future__ import annotations

import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import DBAPIError

from lms.core import audit
from lms.core.audit import AppendOnlyError, AuditEvent


def test_orm_refuses_to_change_or_delete_an_entry(app, db):
    with app.app_context():
        event = audit.record("test.action", reason="because")
        db.session.commit()
        event.reason = "rewritten"
        with pytest.raises(AppendOnlyError):
            db.session.flush()
        db.session.rollback()
        db.session.delete(db.session.get(AuditEvent, event.id))
        with pytest.raises(AppendOnlyError):
            db.session.flush()
        db.session.rollback()


@pytest.mark.parametrize("statement", [
    update(AuditEvent).values(reason="rewritten"),
    delete(AuditEvent),
])
def test_database_refuses_to_change_or_delete_an_entry(app, db, statement):
    with app.app_context():
        audit.record("test.action", reason="because")
        db.session.commit()
        with pytest.raises(DBAPIError, match="append-only"):
            with db.session.begin_nested():
                db.session.execute(statement)
        assert db.session.scalar(select(AuditEvent.reason).where(AuditEvent.action == "test.action")) == "because"


def test_entry_records_who_what_when_where_and_why(app, client, login_as, create_user):
    admin = login_as(__import__("lms.core.roles", fromlist=["Role"]).Role.ADMIN)
    person = create_user()
    client.submit(f"/admin/users/{person.id}/status", {"activate": "0", "status-reason": "duplicate account"},
                  environ_base={"REMOTE_ADDR": "192.0.2.44"})
    with app.app_context():
        event = db_event(db_session(), "account.disabled")
    assert (event.actor_id, event.object_type, event.object_id) == (admin.id, "User", str(person.id))
    assert event.reason == "duplicate account" and event.ip == "192.0.2.44" and event.at is not None


def test_entries_about_the_signed_in_person_name_their_type(app, client, login_as):
    from lms.core.roles import Role

    user = login_as(Role.TRAINEE)
    client.submit("/language", {"locale": "es", "next": "/"})
    with app.app_context():
        event = db_event(db_session(), "account.profile_updated")
    assert (event.object_type, event.object_id) == ("User", str(user.id))


def db_session():
    from lms.extensions import db

    return db.session


def db_event(session, action):
    return session.scalar(select(AuditEvent).where(AuditEvent.action == action))


def test_audit_log_page_filters(client, login_as):
    from lms.core.roles import Role

    login_as(Role.ADMIN)
    html = client.get("/admin/audit?action=auth.login").get_data(as_text=True)
    assert "auth.login" in html
    assert "account.registered" not in html


def test_no_sql_can_truncate_on_postgresql(app, db):
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("TRUNCATE exists on PostgreSQL only")
        with pytest.raises(DBAPIError, match="append-only"):
            with db.session.begin_nested():
                db.session.execute(text("TRUNCATE audit_events"))
