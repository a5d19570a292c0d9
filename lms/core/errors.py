"""Errors answered as HTML or JSON, in the person's language; DomainError for rules a service refuses."""
from __future__ import annotations

import logging

from flask import jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from ..extensions import db

log = logging.getLogger(__name__)


class DomainError(Exception):
    """A rule refused an operation: ``code`` for programs, ``message`` (translated) for people."""

    status = 400

    def __init__(self, code: str, message: str, status: int | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        if status is not None:
            self.status = status


class Invalid(DomainError):
    """Several fields of a form are wrong at once: ``errors`` maps each field to what to do."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("invalid", _("Some answers need attention. Check the messages below."))
        self.errors = errors


def wants_json() -> bool:
    if request.path.startswith("/api/") or request.is_json:
        return True
    accept = request.accept_mimetypes
    best = accept.best_match(["text/html", "application/json"])
    return best == "application/json" and accept[best] > accept["text/html"]


def _texts(status: int) -> tuple[str, str, str]:
    """(code, title, what to do) for a status, translated now."""
    texts = {
        400: ("bad_request", _("The request could not be understood"),
              _("Something that was sent is missing or malformed. Go back, check what you entered and try again.")),
        401: ("unauthorized", _("Please sign in"),
              _("You need to sign in to use this page.")),
        403: ("forbidden", _("You do not have access to this page"),
              _("Your account does not have permission for this. If you think it should, contact certification staff.")),
        404: ("not_found", _("Page not found"),
              _("We could not find that page. Check the address, or go back to your home page.")),
        405: ("method_not_allowed", _("That action is not possible here"),
              _("This page cannot be used that way. Go back to your home page and try again from there.")),
        429: ("too_many_requests", _("Too many attempts"),
              _("You have tried this too many times in a short time. Wait a minute, then try again.")),
        500: ("server_error", _("Something went wrong on our side"),
              _("The problem has been recorded. Please try again in a few minutes; if it keeps happening, contact support.")),
    }
    return texts.get(status, texts[500] if status >= 500 else texts[400])


def error_response(status: int, code: str | None = None, message: str | None = None):
    default_code, title, hint = _texts(status)
    code = code or default_code
    message = message or hint
    if wants_json():
        response = jsonify(error={"code": code, "title": title, "message": message})
        response.status_code = status
        return response
    return render_template("core/error.html", status=status, title=title, message=message), status


def init_app(app) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(error):
        return error_response(
            400,
            "csrf",
            _("This form has expired or did not come from this site. Go back, reload the page and send it again; nothing was saved."),
        )

    @app.errorhandler(DomainError)
    def _domain(error: DomainError):
        return error_response(error.status, error.code, error.message)

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        return error_response(error.code or 500)

    @app.errorhandler(InternalServerError)
    def _server(error):
        db.session.rollback()
        original = getattr(error, "original_exception", None)
        if original is not None:
            log.error("unhandled error on %s %s", request.method, request.path, exc_info=original)
        return error_response(500)
