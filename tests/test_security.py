"""The security baseline: hashing, sessions, CSRF, rate limits and headers."""
from __future__ import annotations

import re
import time

import pytest
from sqlalchemy import select

from lms.accounts.models import User
from lms.core.roles import Role

from .conftest import PASSWORD, sign_in


def test_passwords_are_stored_as_argon2id(app, create_user):
    user = create_user()
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash


def test_sign_in_rotates_the_session_and_csrf_token(client, create_user):
    user = create_user()
    before_token = client.csrf_token()
    before_cookie = client.get_cookie("lms_session").value
    assert sign_in(client, user.email).status_code == 302
    after_cookie = client.get_cookie("lms_session").value
    assert after_cookie != before_cookie
    assert client.csrf_token() != before_token
    with client.session_transaction() as session:
        assert session["_user_id"].startswith(f"{user.id}:")


def test_a_session_cookie_from_before_sign_in_is_not_signed_in(app, client, new_client, create_user):
    user = create_user()
    client.csrf_token()
    fixated = client.get_cookie("lms_session").value
    sign_in(client, user.email)
    attacker = new_client()
    attacker.set_cookie("lms_session", fixated)
    assert attacker.get("/account").status_code == 302


def _signed_in(c) -> bool:
    return c.get("/account").status_code == 200


def test_logout_ends_every_session_of_the_user(new_client, create_user):
    user = create_user()
    phone, laptop = new_client(), new_client()
    sign_in(phone, user.email)
    sign_in(laptop, user.email)
    assert _signed_in(phone) and _signed_in(laptop)
    phone.submit("/logout")
    assert not _signed_in(phone)
    assert not _signed_in(laptop)


def test_password_change_ends_every_session(new_client, create_user):
    user = create_user()
    phone, laptop = new_client(), new_client()
    sign_in(phone, user.email)
    sign_in(laptop, user.email)
    response = phone.submit("/account/password", {"current": PASSWORD, "password": "a brand new secret",
                                                   "confirm": "a brand new secret"})
    assert response.status_code == 302
    assert not _signed_in(phone)
    assert not _signed_in(laptop)
    assert sign_in(laptop, user.email, "a brand new secret").status_code == 302


def test_disabling_an_account_ends_its_sessions_and_blocks_sign_in(app, new_client, create_user):
    admin = create_user(Role.ADMIN)
    user = create_user()
    staff, person = new_client(), new_client()
    sign_in(staff, admin.email)
    sign_in(person, user.email)
    assert _signed_in(person)
    response = staff.submit(f"/admin/users/{user.id}/status", {"activate": "0", "status-reason": "left the program"})
    assert response.status_code == 302
    assert not _signed_in(person)
    assert sign_in(person, user.email).status_code == 200  # the form again, with an error
    staff.submit(f"/admin/users/{user.id}/status", {"activate": "1", "status-reason": "returned"})
    assert sign_in(person, user.email).status_code == 302


def test_form_post_without_csrf_token_is_refused(client, login_as):
    login_as(Role.TRAINEE)
    response = client.post("/account", data={"name": "Changed", "locale": "es"})
    assert response.status_code == 400
    assert "expired" in response.get_data(as_text=True)


def test_json_post_without_csrf_header_is_refused(client, login_as):
    login_as(Role.TRAINEE)
    response = client.post("/api/v1/me/preferences", json={"locale": "es"})
    assert response.status_code == 400
    assert response.json["error"]["code"] == "csrf"
    ok = client.post_json("/api/v1/me/preferences", {"locale": "es"})
    assert ok.status_code == 200 and ok.json["locale"] == "es"


def test_every_post_route_requires_a_csrf_token(app, client, login_as):
    """Walks the URL map: any route that accepts POST refuses one without a token."""
    login_as(Role.ADMIN, Role.TRAINEE)
    from flask import url_for

    posts = [rule for rule in app.url_map.iter_rules() if "POST" in rule.methods]
    assert posts
    for rule in posts:
        with app.test_request_context():
            url = url_for(rule.endpoint, **{name: 1 if name.endswith("id") else "x" for name in rule.arguments})
        for headers in ({}, {"Accept": "application/json"}):
            response = client.post(url, data={}, headers=headers)
            assert response.status_code == 400, url


def test_csrf_token_outlives_a_three_hour_sitting(client, login_as, monkeypatch):
    login_as(Role.TRAINEE)
    token = client.csrf_token()
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() + 4 * 3600)
    response = client.post("/api/v1/me/preferences", json={"locale": "vi"}, headers={"X-CSRFToken": token})
    assert response.status_code == 200


def test_security_headers(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] in {"same-origin", "no-referrer", "strict-origin-when-cross-origin"}
    assert "Strict-Transport-Security" not in response.headers


def test_hsts_when_served_over_https(client):
    response = client.get("/login", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_pages_have_no_inline_script(client, login_as):
    login_as(Role.ADMIN, Role.TRAINEE)
    for path in ("/login", "/trainee/", "/admin/", "/admin/users", "/account"):
        html = client.get(path).get_data(as_text=True)
        for tag in re.findall(r"<script[^>]*>", html):
            assert "src=" in tag, (path, tag)
        assert " on" + "click=" not in html and "javascript:" not in html


def test_signed_in_pages_are_not_cached(client, login_as):
    login_as(Role.TRAINEE)
    assert client.get("/account").headers["Cache-Control"] == "no-store"


class _ShiftedClock:
    def __init__(self):
        self.offset = 0.0

    def time(self):
        return time.time() + self.offset

    def __getattr__(self, name):
        return getattr(time, name)


@pytest.fixture
def limiter_clock(monkeypatch):
    import limits.storage.memory as memory

    shifted = _ShiftedClock()
    monkeypatch.setattr(memory, "time", shifted)
    return shifted


def test_login_is_slowed_per_account_then_recovers(client, new_client, create_user, limiter_clock):
    user = create_user()
    other = create_user()
    for _ in range(5):
        assert sign_in(client, user.email, "wrong password!").status_code == 200
    blocked = sign_in(client, user.email, PASSWORD)
    assert blocked.status_code == 429
    assert "Too many attempts" in blocked.get_data(as_text=True)
    assert blocked.headers.get("Retry-After")
    # Another account from the same place is not affected.
    assert sign_in(new_client(), other.email).status_code == 302
    # A minute later the account can sign in again: slowed down, never locked out.
    limiter_clock.offset = 61
    assert sign_in(client, user.email, PASSWORD).status_code == 302


def test_login_is_slowed_per_address(app, new_client, create_user, limiter_clock):
    """Twenty failures from one address, each on a different account, slow that address only."""
    users = [create_user() for _ in range(21)]
    c = new_client()
    here = {"REMOTE_ADDR": "203.0.113.9"}
    statuses = [c.submit("/login", {"email": u.email, "password": "wrong password!"}, environ_base=here).status_code
                for u in users[:20]]
    assert statuses == [200] * 20
    assert c.submit("/login", {"email": users[20].email, "password": PASSWORD}, environ_base=here).status_code == 429
    elsewhere = new_client().submit("/login", {"email": users[20].email, "password": PASSWORD},
                                    environ_base={"REMOTE_ADDR": "198.51.100.7"})
    assert elsewhere.status_code == 302


def test_no_account_is_ever_locked(app, client, create_user, limiter_clock):
    user = create_user()
    for _ in range(8):
        sign_in(client, user.email, "wrong password!")
    limiter_clock.offset = 3601
    assert sign_in(client, user.email).status_code == 302
    with app.app_context():
        from lms.extensions import db

        assert db.session.scalar(select(User.active).where(User.id == user.id)) is True
