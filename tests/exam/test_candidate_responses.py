"""What the candidate's browser receives: never a key or another item, and the JSON matches the OpenAPI file."""
from __future__ import annotations

import json

import jsonschema
from sqlalchemy import select

from lms.exam.models import Attempt
from lms.itembank.models import ItemVersion

API = "/api/v1/attempts/{}"


def _schema(document, name):
    return {**document["components"]["schemas"][name], "components": document["components"]}


def _secrets(app, db, public_id):
    """Texts the candidate must never receive: rationales, and the option ids as the bank names them."""
    with app.app_context():
        attempt = db.session.scalars(select(Attempt).where(Attempt.public_id == public_id)).one()
        stems, rationales = {}, set()
        for n, entry in enumerate(attempt.form):
            snapshot = db.session.scalars(select(ItemVersion.snapshot).where(
                ItemVersion.item_id == entry["item"], ItemVersion.number == entry["version"])).one()
            variant = snapshot["variants"][attempt.language]
            stems[n] = variant["stem"]
            rationales.add(variant["rationale"])
        return stems, rationales, [e["item"] for e in attempt.form]


def test_a_whole_sitting_never_sends_key_material(app, db, client, clock, admitted):
    _user, public_id = admitted(language="es")
    stems, rationales, item_ids = _secrets(app, db, public_id)
    document = client.get("/api/v1/openapi.json").json
    bodies = []

    def seen(response, schema=None):
        text = response.get_data(as_text=True)
        bodies.append((response.request.path, text))
        if schema:
            jsonschema.validate(response.json, _schema(document, schema))
        return response

    seen(client.get(API.format(public_id)), "AttemptState")
    for n in range(1, 121):
        item = seen(client.get(f"{API.format(public_id)}/items/{n}"), "AttemptItem").json
        assert item["stem"] == stems[n - 1]
        for other, stem in stems.items():
            if other != n - 1 and stem != stems[n - 1]:
                assert stem not in json.dumps(item, ensure_ascii=False)
        if n % 3:
            seen(client.post_json(f"{API.format(public_id)}/answers",
                                  {"position": n, "answer": item["options"][n % 4]["id"], "flagged": n % 7 == 0,
                                   "seq": n}), "AnswerSaved")
        if n in (1, 60, 61, 120):
            seen(client.get(f"/exam/attempts/{public_id}?q={n}", follow_redirects=True))
    seen(client.post_json(f"{API.format(public_id)}/heartbeat", {}), "AttemptState")
    seen(client.get(f"/exam/attempts/{public_id}/review"))
    seen(client.post_json(f"{API.format(public_id)}/submit", {}), "AttemptState")
    seen(client.get(f"/exam/attempts/{public_id}/result"))
    for path, text in bodies:
        assert not any(r in text for r in rationales), path
        assert not any(item_id in text for item_id in item_ids), path   # not even which items are on the form
        assert '"key"' not in text and 'value="a"' not in text and '"id": "a"' not in text, path


def test_api_errors_match_the_error_schema(app, db, client, clock, admitted):
    _user, public_id = admitted()
    document = client.get("/api/v1/openapi.json").json
    bad = client.post_json(f"{API.format(public_id)}/answers", {"position": "one", "seq": 1})
    assert bad.status_code == 400
    jsonschema.validate(bad.json, _schema(document, "Error"))
    assert client.get("/api/v1/attempts/not-mine").status_code == 404


def test_another_candidate_cannot_reach_an_attempt(app, db, client, new_client, clock, admitted, create_user):
    from lms.core.roles import Role

    from ..conftest import sign_in

    _user, public_id = admitted()
    stranger = new_client()
    sign_in(stranger, create_user(Role.TRAINEE).email)
    for path in ("", "/items/1"):
        assert stranger.get(f"{API.format(public_id)}{path}").status_code == 404, path
    for path in ("/heartbeat", "/answers", "/submit"):
        response = stranger.post_json(f"{API.format(public_id)}{path}", {"position": 1, "seq": 1})
        assert response.status_code == 404 and response.is_json, path
    for path in ("", "/review", "/result"):
        assert stranger.get(f"/exam/attempts/{public_id}{path}").status_code == 404, path
