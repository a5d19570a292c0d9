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


def _errors(*codes: int) -> dict:
    return {str(c): {"description": "error", "content": {"application/json": {"schema": _ERROR}}} for c in codes}


def document() -> dict:
    return {
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
            "schemas": {"Error": _ERROR, "Me": _ME},
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
