"""The OpenAPI description of the JSON API under /api/v1, kept beside the routes it describes."""
from __future__ import annotations

_ERROR = {
    "type": "object",
    "properties": {
        "error": {
            "type": "object",
            "properties": {"code": {"type": "string"}, "title": {"type": "string"}, "message": {"type": "string"}},
            "required": ["code", "message"],
        }
    },
}

_ME = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "name": {"type": "string"},
        "email": {"type": "string"},
        "locale": {"type": "string"},
        "text_direction": {"type": "string", "enum": ["ltr", "rtl"]},
        "roles": {"type": "array", "items": {"type": "string"}},
    },
}


_HEARTBEAT = {
    "type": "object",
    "properties": {
        "page": {"type": "string", "minLength": 1, "maxLength": 64,
                 "description": "An id for this page load; beats from one page carry increasing sequence numbers."},
        "sequence": {"type": "integer", "minimum": 1},
        "active": {"type": "boolean",
                   "description": "false when the page is hidden or the person idle: stops the clock."},
    },
    "required": ["page", "sequence", "active"],
}

_HEARTBEAT_RESULT = {
    "type": "object",
    "properties": {
        "credited_seconds": {"type": "integer", "description": "Credited by this beat (server clock)."},
        "lesson_seconds": {"type": "integer", "description": "Credited on this lesson so far."},
        "cap_seconds": {"type": "integer", "description": "The most this lesson can earn."},
        "replayed": {"type": "boolean", "description": "true when this beat repeats one already counted."},
    },
}


def _errors(*codes: int) -> dict:
    return {str(c): {"description": "error", "content": {"application/json": {"schema": _ERROR}}} for c in codes}


def document() -> dict:
    from ..exam import openapi as exam
    from ..proctoring import openapi as proctoring

    doc = {
        "openapi": "3.1.0",
        "info": {
            "title": "Peer Support Certification LMS API",
            "version": "1",
            "description": (
                "JSON endpoints used by the platform's pages. Authentication is the session cookie; "
                "every state-changing request sends the page's CSRF token in the X-CSRFToken header "
                "(read it from <meta name=csrf-token>)."
            ),
        },
        "components": {
            "securitySchemes": {
                "session": {"type": "apiKey", "in": "cookie", "name": "lms_session"},
                "csrf": {"type": "apiKey", "in": "header", "name": "X-CSRFToken"},
            },
            "schemas": {"Error": _ERROR, "Me": _ME, "Heartbeat": _HEARTBEAT, "HeartbeatResult": _HEARTBEAT_RESULT,
                        **exam.SCHEMAS, **proctoring.SCHEMAS},
        },
        "paths": {
            "/api/v1/me": {
                "get": {
                    "summary": "The signed-in person: name, language and roles",
                    "security": [{"session": []}],
                    "responses": {
                        "200": {"description": "ok", "content": {"application/json": {"schema": _ME}}},
                        **_errors(401),
                    },
                }
            },
            "/api/v1/enrollments/{enrollment_id}/lessons/{lesson_id}/heartbeat": {
                "post": {
                    "summary": "Self-paced seat time: say the lesson page is still open and in use",
                    "description": (
                        "Sent about every 30 s while the page is visible and the person interacted recently. "
                        "The server credits the real time since the person's previous beat (any tab), at most "
                        "interval + grace; hidden or idle pages, replayed beats and time beyond the lesson's "
                        "cap earn nothing."
                    ),
                    "security": [{"session": [], "csrf": []}],
                    "parameters": [
                        {"name": "enrollment_id", "in": "path", "required": True, "schema": {"type": "integer"}},
                        {"name": "lesson_id", "in": "path", "required": True, "schema": {"type": "integer"}},
                    ],
                    "requestBody": {"required": True, "content": {"application/json": {"schema": _HEARTBEAT}}},
                    "responses": {
                        "200": {"description": "counted", "content": {"application/json": {"schema": _HEARTBEAT_RESULT}}},
                        **_errors(400, 401, 403, 404),
                    },
                }
            },
            "/api/v1/me/preferences": {
                "post": {
                    "summary": "Change the signed-in person's preferred language",
                    "security": [{"session": [], "csrf": []}],
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": {
                            "type": "object",
                            "properties": {"locale": {"type": "string"}},
                            "required": ["locale"],
                        }}},
                    },
                    "responses": {
                        "200": {"description": "saved", "content": {"application/json": {"schema": _ME}}},
                        **_errors(400, 401),
                    },
                }
            },
        },
    }
    doc["paths"].update(exam.PATHS)
    doc["paths"].update(proctoring.PATHS)
    return doc
