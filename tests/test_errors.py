"""Errors are pages or JSON, by what the request accepts, in the person's language."""
from __future__ import annotations

import pytest
from flask import Flask

from lms.core.roles import Role


def test_404_as_html_and_json(client):
    page = client.get("/nowhere")
    assert page.status_code == 404 and page.mimetype == "text/html"
    assert "Page not found" in page.get_data(as_text=True)
    data = client.get("/nowhere", headers={"Accept": "application/json"})
    assert data.status_code == 404 and data.json["error"]["code"] == "not_found"


def test_errors_speak_the_persons_language(client):
    client.set_cookie("lms_locale", "es")
    html = client.get("/nowhere").get_data(as_text=True)
    assert 'lang="es"' in html and "Page not found" not in html
    body = client.get("/api/v1/none", headers={"Accept": "application/json"}).json
    assert "find" not in body["error"]["message"]


def test_403_as_html_and_json(client, login_as):
    login_as(Role.TRAINEE)
    assert "You do not have access" in client.get("/admin/").get_data(as_text=True)
    assert client.get("/admin/", headers={"Accept": "application/json"}).json["error"]["code"] == "forbidden"


def test_401_for_json_and_a_sign_in_redirect_for_pages(client):
    assert client.get("/api/v1/me").status_code == 401
    page = client.get("/account")
    assert page.status_code == 302 and page.headers["Location"].startswith("/login?next=")


def test_405(client):
    assert client.post("/healthz", headers={"X-CSRFToken": client.csrf_token()}).status_code == 405


def test_400_for_a_malformed_json_body(client, login_as):
    login_as(Role.TRAINEE)
    response = client.post("/api/v1/me/preferences", data="{not json", content_type="application/json",
                           headers={"X-CSRFToken": client.csrf_token()})
    assert response.status_code == 400 and response.json["error"]["message"]


@pytest.fixture
def failing_app(app, database_url):
    """A second app with one route that fails, to see the 500 page people get."""
    from lms import create_app
    from lms.core.access import public

    broken = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url})
    broken.config["PROPAGATE_EXCEPTIONS"] = False

    @public
    def explode():
        raise RuntimeError("boom")

    broken.add_url_rule("/explode", "explode", explode)
    return broken


def test_500_is_a_friendly_page_and_json(failing_app: Flask):
    client = failing_app.test_client()
    page = client.get("/explode")
    assert page.status_code == 500 and "Something went wrong on our side" in page.get_data(as_text=True)
    assert "boom" not in page.get_data(as_text=True)
    data = client.get("/explode", headers={"Accept": "application/json"})
    assert data.status_code == 500 and data.json["error"]["code"] == "server_error"


def test_an_undeclared_view_stops_the_app_from_starting(app, database_url):
    from lms import create_app
    from lms.core import access

    other = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url})
    other.add_url_rule("/open", "open", lambda: "open")
    with pytest.raises(RuntimeError, match="without an access declaration: open"):
        access.init_app(other)


def test_health_reports_the_database(client, monkeypatch):
    ok = client.get("/healthz")
    assert ok.status_code == 200 and ok.json == {"status": "ok", "database": "ok"}
    from lms.extensions import db

    def down(*args, **kwargs):
        raise ConnectionError("database is down")

    monkeypatch.setattr(db.session, "execute", down)
    assert client.get("/healthz").status_code == 503
