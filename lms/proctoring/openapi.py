"""The proctor's part of /api/v1/openapi.json: the console's figures and the actions on a candidate."""
from __future__ import annotations

from .actions import ACTIONS, REASONS
from .console import STATES

_SEAT = {
    "type": "object",
    "properties": {
        "booking": {"type": "integer", "description": "The seat (booking) id; actions are sent to it."},
        "name": {"type": "string"},
        "language": {"type": "string", "description": "The exam language."},
        "accommodations": {"type": "array", "items": {"type": "string"},
                           "description": "Short labels only, in the proctor's language; never the details."},
        "state": {"type": "string", "enum": sorted(STATES)},
        "state_label": {"type": "string"},
        "answered": {"type": "integer"},
        "total": {"type": "integer", "description": "0 before admission."},
        "remaining_seconds": {"type": ["integer", "null"], "description": "By the server's clock; null unless the "
                                                                           "exam is under way."},
        "last_contact_seconds": {"type": ["integer", "null"]},
        "disconnected": {"type": "boolean", "description": "No contact for disconnected_after_seconds."},
        "attempt": {"type": ["string", "null"]},
        "device_held": {"type": "boolean"},
        "checked_in": {"type": "boolean"},
    },
    "required": ["booking", "name", "state", "answered", "total", "remaining_seconds", "last_contact_seconds",
                 "disconnected"],
    "additionalProperties": False,
}

_CONSOLE = {
    "type": "object",
    "properties": {
        "session": {"type": "integer"},
        "at": {"type": "string", "format": "date-time"},
        "counts": {"type": "object", "additionalProperties": {"type": "integer"}},
        "candidates": {"type": "array", "items": _SEAT},
    },
    "required": ["session", "at", "counts", "candidates"],
    "additionalProperties": False,
}

_ACTION = {
    "type": "object",
    "properties": {
        "action": {"type": "string", "enum": sorted(ACTIONS)},
        "reason": {"type": "string", "enum": sorted(REASONS)},
        "note": {"type": "string", "minLength": 1},
        "key": {"type": "string", "minLength": 16, "maxLength": 64,
                "description": "One-time key: sending the same key again applies the action once."},
        "minutes": {"type": "integer", "minimum": 0, "description": "extend (at least 1) and reopen."},
        "to_session": {"type": "integer", "description": "move: a session the proctor also runs."},
    },
    "required": ["action", "reason", "note", "key"],
}

_DONE = {
    "type": "object",
    "properties": {"action": {"type": "string"}, "reason": {"type": "string"}, "at": {"type": "string"},
                   "detail": {"type": "object"}, "key": {"type": "string"}},
    "required": ["action", "reason", "at", "detail", "key"],
    "additionalProperties": False,
}


def _errors(*codes: int) -> dict:
    schema = {"$ref": "#/components/schemas/Error"}
    return {str(c): {"description": "error", "content": {"application/json": {"schema": schema}}} for c in codes}


def _path(name: str) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "integer"}}


SCHEMAS = {"ConsoleSeat": _SEAT, "Console": _CONSOLE, "ProctorAction": _ACTION, "ProctorActionDone": _DONE}

PATHS = {
    "/api/v1/proctor/sessions/{session_id}/console": {"get": {
        "summary": "Every candidate of a session: state, progress, time left, last contact (proctors of the session)",
        "security": [{"session": []}], "parameters": [_path("session_id")],
        "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": _CONSOLE}}},
                      **_errors(401, 403, 404)}}},
    "/api/v1/proctor/sessions/{session_id}/seats/{booking_id}/actions": {"post": {
        "summary": "Pause, resume, extend, release the device, end for misconduct, reopen or move a candidate",
        "description": "Each action needs a reason code and a note and is audited. 409 when the exam's state does "
                       "not allow it (e.g. extending after time ran out).",
        "security": [{"session": [], "csrf": []}], "parameters": [_path("session_id"), _path("booking_id")],
        "requestBody": {"required": True, "content": {"application/json": {"schema": _ACTION}}},
        "responses": {"200": {"description": "done (or already done with this key)",
                              "content": {"application/json": {"schema": _DONE}}},
                      **_errors(400, 401, 403, 404, 409)}}},
}
