"""The sitting's part of /api/v1/openapi.json."""
from __future__ import annotations

_STATE = {
    "type": "object",
    "properties": {
        "attempt": {"type": "string", "description": "The attempt's public id."},
        "state": {"type": "string", "enum": ["in_progress", "on_break", "paused", "submitted", "expired", "terminated"]},
        "position": {"type": "integer", "description": "0-based index of the question the candidate is on."},
        "total": {"type": "integer"},
        "answered": {"type": "integer"},
        "flagged": {"type": "array", "items": {"type": "integer"}},
        "unanswered": {"type": "array", "items": {"type": "integer"}},
        "remaining_seconds": {"type": "integer", "description": "By the server's clock."},
        "clock_running": {"type": "boolean", "description": "false during a break."},
        "last_seq": {"type": "integer", "description": "The highest save sequence number applied."},
        "break_due": {"type": "boolean"},
        "break_remaining_seconds": {"type": ["integer", "null"]},
        "breaks_on_request": {"type": "integer", "description": "Accommodated breaks the candidate may still take "
                                                                 "at any question."},
        "time_allowed_seconds": {"type": "integer", "description": "Changes when staff or a proctor change the time."},
    },
    "required": ["attempt", "state", "position", "total", "answered", "remaining_seconds", "clock_running", "last_seq"],
    "additionalProperties": False,
}

_SAVED = {**_STATE, "properties": {**_STATE["properties"], "applied": {
    "type": "boolean", "description": "false when seq was not newer than last_seq: nothing changed."}},
    "required": [*_STATE["required"], "applied"]}

_ITEM = {
    "type": "object",
    "properties": {
        "position": {"type": "integer", "description": "1-based question number."},
        "total": {"type": "integer"},
        "stem": {"type": "string"},
        "options": {"type": "array", "items": {
            "type": "object", "properties": {"id": {"type": "string", "description": "Opaque, valid in this attempt only."},
                                             "text": {"type": "string"}},
            "required": ["id", "text"], "additionalProperties": False}},
        "answer": {"type": ["string", "null"], "description": "The opaque id of the saved answer."},
        "flagged": {"type": "boolean"},
    },
    "required": ["position", "total", "stem", "options", "answer", "flagged"],
    "additionalProperties": False,
}

_SAVE = {
    "type": "object",
    "properties": {
        "position": {"type": "integer", "minimum": 1, "description": "1-based question number."},
        "answer": {"type": ["string", "null"], "description": "An option id from the item; null clears the answer; "
                                                              "leave it out to change only the flag."},
        "flagged": {"type": "boolean"},
        "seq": {"type": "integer", "minimum": 1, "description": "Increases with every save of this attempt; a save "
                                                              "not newer than the last applied is ignored."},
    },
    "required": ["position", "seq"],
}


def _errors(*codes: int) -> dict:
    schema = {"$ref": "#/components/schemas/Error"}
    return {str(c): {"description": "error", "content": {"application/json": {"schema": schema}}} for c in codes}


def _op(summary: str, schema: dict, *, body: dict | None = None, extra: tuple = (), post: bool = False,
        description: str = "") -> dict:
    op = {"summary": summary, "security": [{"session": [], "csrf": []}] if post else [{"session": []}],
          "parameters": [{"name": "public_id", "in": "path", "required": True, "schema": {"type": "string"}}, *extra],
          "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": schema}}},
                        **_errors(400, 401, 403, 404, 409)}}
    if description:
        op["description"] = description
    if body:
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    return op


SCHEMAS = {"AttemptState": _STATE, "AttemptItem": _ITEM, "AnswerSave": _SAVE, "AnswerSaved": _SAVED}

PATHS = {
    "/api/v1/attempts/{public_id}": {"get": _op("The attempt: state, position, time left", _STATE)},
    "/api/v1/attempts/{public_id}/items/{position}": {"get": _op(
        "One question in the attempt's language, options in this attempt's order under opaque ids", _ITEM,
        extra=({"name": "position", "in": "path", "required": True, "schema": {"type": "integer"}},))},
    "/api/v1/attempts/{public_id}/answers": {"post": _op(
        "Save an answer and/or a flag", _SAVED, body=_SAVE, post=True,
        description="Idempotent and ordered by seq. After the deadline: 409 time_up; answers saved before count.")},
    "/api/v1/attempts/{public_id}/submit": {"post": _op("Submit the exam", _STATE, post=True)},
    "/api/v1/attempts/{public_id}/heartbeat": {"post": _op("Say the candidate's browser is still there", _STATE,
                                                           post=True)},
}
