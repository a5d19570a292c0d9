"""Registration, sign-in, password reset, profile and staff-managed accounts."""
from __future__ import annotations

import re

from sqlalchemy import select

from lms.accounts.models import RoleGrant, User
from lms.core.audit import AuditEvent
from lms.core.roles import Role

from .conftest import PASSWORD, sign_in


def _user(app, email):
    from lms.extensions import db

    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        if user is not None:
            db.session.refresh(user)
            db.session.expunge(user)
        return user


def test_trainee_registers_and_lands_on_their_dashboard(app, client):
    response = client.submit("/register", {"name": "Rosa Díaz", "email": "Rosa@Example.org ", "password": PASSWORD,
                                           "confirm": PASSWORD, "locale": "es"})
    assert response.status_code == 302 and response.headers["Location"] == "/trainee/"
    user = _user(app, "rosa@example.org")
    assert user.name == "Rosa Díaz" and user.locale == "es"
    assert user.role_set == {Role.TRAINEE}
    page = client.get("/trainee/").get_data(as_text=True)
    assert 'lang="es"' in page  # their preferred language from the first page on


def test_registration_errors_say_what_to_do_and_keep_the_input(client, create_user):
    taken = create_user(email="taken@example.org")
    response = client.submit("/register", {"name": "Sam Lee", "email": taken.email, "password": PASSWORD,
                                           "confirm": PASSWORD, "locale": "en"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "An account with this email already exists. Sign in, or reset your password" in html
    assert 'value="Sam Lee"' in html  # nothing typed is lost
    short = client.submit("/register", {"name": "Sam Lee", "email": "sam@example.org", "password": "short",
                                        "confirm": "short", "locale": "en"}).get_data(as_text=True)
    assert "Use at least 10 characters for your password." in short
    mismatch = client.submit("/register", {"name": "Sam", "email": "sam@example.org", "password": PASSWORD,
                                           "confirm": PASSWORD + "x", "locale": "en"}).get_data(as_text=True)
    assert "The two passwords are not the same." in mismatch
    bad_email = client.submit("/register", {"name": "Sam", "email": "sam-at-example", "password": PASSWORD,
                                            "confirm": PASSWORD, "locale": "en"}).get_data(as_text=True)
    assert "Enter an email address like name@example.org." in bad_email
    assert 'aria-invalid="true"' in bad_email and 'class="error-summary"' in bad_email


def test_registration_errors_in_the_persons_language(client):
    client.submit("/language", {"locale": "es", "next": "/register"})
    html = client.submit("/register", {"name": "", "email": "x@example.org", "password": PASSWORD,
                                       "confirm": PASSWORD, "locale": "es"}).get_data(as_text=True)
    assert 'lang="es"' in html
    assert "Enter your name." not in html  # the Spanish catalog answers


def test_wrong_password_is_refused_without_saying_which_part(client, create_user):
    user = create_user()
    for email, password in ((user.email, "not the password"), ("nobody@example.org", PASSWORD)):
        html = sign_in(client, email, password).get_data(as_text=True)
        assert "The email or password is not correct." in html
    assert client.get("/account").status_code == 302


def test_sign_in_returns_to_the_page_asked_for_but_never_offsite(client, create_user):
    user = create_user()
    assert sign_in(client, user.email, next="/account").headers["Location"] == "/account"
    client.submit("/logout")
    assert sign_in(client, user.email, next="https://evil.example/").headers["Location"] == "/trainee/"
    client.submit("/logout")
    assert sign_in(client, user.email, next="//evil.example/").headers["Location"] == "/trainee/"


def test_signing_in_and_failures_are_audited(app, client, create_user):
    user = create_user()
    sign_in(client, user.email, "wrong wrong wrong")
    sign_in(client, user.email)
    from lms.extensions import db

    with app.app_context():
        actions = db.session.scalars(
            select(AuditEvent.action).where(AuditEvent.object_id == str(user.id)).order_by(AuditEvent.id)).all()
        ips = db.session.scalars(select(AuditEvent.ip).where(AuditEvent.object_id == str(user.id))).all()
    assert actions == ["auth.login_failed", "auth.login"]
    assert all(ips)


def test_password_reset_link_works_once(app, client, create_user, outbox):
    user = create_user(locale="es")
    response = client.submit("/password/forgot", {"email": user.email})
    assert response.status_code == 302
    [message] = outbox()
    assert message["To"] == user.email
    body = message.get_content()
    assert "Hello" not in body  # written in the person's language (Spanish)
    link = re.search(r"http://localhost(/password/reset/\S+)", body).group(1)
    form = client.get(link)
    assert form.status_code == 200
    done = client.submit(link, {"password": "my new passphrase", "confirm": "my new passphrase"})
    assert done.status_code == 302 and done.headers["Location"] == "/login"
    assert sign_in(client, user.email, "my new passphrase").status_code == 302
    client.submit("/logout")
    again = client.get(link)
    assert again.status_code == 302 and "/password/forgot" in again.headers["Location"]


def test_password_reset_link_expires(app, client, create_user, outbox, monkeypatch):
    import time

    user = create_user()
    client.submit("/password/forgot", {"email": user.email})
    link = re.search(r"http://localhost(/password/reset/\S+)", outbox()[0].get_content()).group(1)
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() + app.config["PASSWORD_RESET_MAX_AGE"] + 5)
    assert client.get(link).status_code == 302


def test_password_reset_does_not_reveal_unknown_emails(client, outbox):
    response = client.submit("/password/forgot", {"email": "nobody@example.org"}, follow_redirects=True)
    assert "If an account uses that email" in response.get_data(as_text=True)
    assert outbox() == []


def test_profile_saves_name_and_language(app, client, login_as):
    user = login_as(Role.TRAINEE)
    response = client.submit("/account", {"name": "New Name", "locale": "ko"}, follow_redirects=True)
    assert 'lang="ko"' in response.get_data(as_text=True)
    assert _user(app, user.email).name == "New Name"


def test_wrong_current_password_keeps_the_session(client, login_as):
    login_as(Role.TRAINEE)
    html = client.submit("/account/password", {"current": "not it at all", "password": "another passphrase",
                                               "confirm": "another passphrase"}).get_data(as_text=True)
    assert "Your current password is not correct." in html
    assert client.get("/account").status_code == 200


def test_api_me_describes_the_person(client, login_as):
    login_as(Role.TRAINEE, Role.PROCTOR, locale="ar")
    body = client.get("/api/v1/me").json
    assert body["roles"] == ["proctor", "trainee"]
    assert body["text_direction"] == "rtl"


def test_api_preferences_rejects_bad_input_clearly(client, login_as):
    login_as(Role.TRAINEE)
    bad = client.post_json("/api/v1/me/preferences", {"locale": "xx"})
    assert bad.status_code == 400 and bad.json["error"]["code"] == "unknown_locale"
    malformed = client.post_json("/api/v1/me/preferences", ["es"])
    assert malformed.status_code == 400 and malformed.json["error"]["code"] == "invalid_body"


def test_admin_creates_a_staff_account_that_receives_an_invitation(app, client, login_as, create_provider, outbox):
    login_as(Role.ADMIN)
    provider = create_provider("Bay Area Peer Academy")
    response = client.submit("/admin/users/new", {"name": "Ines Instructor", "email": "ines@example.org",
                                                  "locale": "vi", "roles": ["instructor", "author"],
                                                  "provider": str(provider.id)})
    assert response.status_code == 302
    user = _user(app, "ines@example.org")
    assert user.password_hash is None
    assert user.role_set == {Role.INSTRUCTOR, Role.AUTHOR}
    assert {g.provider_id for g in user.grants} == {provider.id}
    [invitation] = outbox()
    link = re.search(r"http://localhost(/password/reset/\S+)", invitation.get_content()).group(1)
    client.submit("/logout")
    client.submit(link, {"password": "instructor passphrase", "confirm": "instructor passphrase"})
    assert sign_in(client, "ines@example.org", "instructor passphrase").headers["Location"] == "/provider/"


def test_provider_roles_need_an_organisation(client, login_as):
    login_as(Role.ADMIN)
    html = client.submit("/admin/users/new", {"name": "No Org", "email": "noorg@example.org", "locale": "en",
                                              "roles": ["author"], "provider": "0"}).get_data(as_text=True)
    assert "act for a training provider. Choose the organisation." in html


def test_role_changes_need_a_reason_and_are_audited(app, client, login_as, create_user):
    login_as(Role.ADMIN)
    person = create_user(Role.TRAINEE)
    no_reason = client.submit(f"/admin/users/{person.id}", {"roles": ["trainee", "proctor"], "provider": "0",
                                                            "reason": ""})
    assert "Give a reason" in no_reason.get_data(as_text=True)
    client.submit(f"/admin/users/{person.id}", {"roles": ["trainee", "proctor"], "provider": "0",
                                                "reason": "hired as proctor"})
    assert _user(app, person.email).role_set == {Role.TRAINEE, Role.PROCTOR}
    from lms.extensions import db

    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "account.roles_changed"))
        assert event.reason == "hired as proctor" and event.data["after"] == ["proctor", "trainee"]


def test_admin_cannot_remove_their_own_staff_role_or_disable_themselves(app, client, login_as):
    admin = login_as(Role.ADMIN)
    html = client.submit(f"/admin/users/{admin.id}", {"roles": ["trainee"], "provider": "0", "reason": "oops"})
    assert "You cannot remove your own staff role" in html.get_data(as_text=True)
    client.submit(f"/admin/users/{admin.id}/status", {"activate": "0", "status-reason": "test"})
    assert _user(app, admin.email).active


def test_roles_at_other_organisations_are_kept(app, client, login_as, create_user, create_provider):
    login_as(Role.ADMIN)
    north, south = create_provider("North"), create_provider("South")
    person = create_user(Role.INSTRUCTOR, provider=north)
    client.submit(f"/admin/users/{person.id}", {"roles": ["author"], "provider": str(south.id), "reason": "joined"})
    grants = {(g.role, g.provider_id) for g in _user(app, person.email).grants}
    assert grants == {(Role.INSTRUCTOR, north.id), (Role.AUTHOR, south.id)}


def test_demo_accounts_cannot_sign_in_when_demo_mode_is_off(app, client, create_user):
    user = create_user(is_demo=True)
    app.config["DEMO_MODE"] = False
    assert sign_in(client, user.email).status_code == 200
    app.config["DEMO_MODE"] = True
    assert sign_in(client, user.email).status_code == 302
    app.config["DEMO_MODE"] = False
    assert client.get("/account").status_code == 302  # a demo session ends when demo mode goes off


def test_demo_seed_is_idempotent_and_refused_outside_demo_mode(app, db):
    from lms.demo import DEMO_ACCOUNTS, seed

    runner = app.test_cli_runner()
    app.config["DEMO_MODE"] = False
    refused = runner.invoke(args=["demo", "seed"])
    assert refused.exit_code != 0 and "demo mode is off" in refused.output
    app.config["DEMO_MODE"] = True
    with app.app_context():
        assert len(seed()) == len(DEMO_ACCOUNTS)
        assert seed() == []
        emails = db.session.scalars(select(User.email).where(User.is_demo.is_(True))).all()
        assert sorted(emails) == sorted(a.email for a in DEMO_ACCOUNTS)
        assert db.session.scalar(select(RoleGrant).where(RoleGrant.role == Role.PROCTOR)) is not None


def test_create_admin_command(app, db):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["accounts", "create-admin", "--email", "Boss@Example.org", "--name", "Boss",
                                 "--password", "a long admin passphrase"])
    assert result.exit_code == 0, result.output
    user = _user(app, "boss@example.org")
    assert user.role_set == {Role.ADMIN} and not user.is_demo
    short = runner.invoke(args=["accounts", "create-admin", "--email", "b2@example.org", "--name", "B",
                                "--password", "short"])
    assert short.exit_code != 0
