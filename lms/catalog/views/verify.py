"""Public verification of a completion certificate, opened from its QR code or by typing the code."""
from __future__ import annotations

from flask import current_app, redirect, render_template, request, url_for

from ...core.access import public
from ...core.i18n import current_code
from ...extensions import limiter
from .. import certificates
from ..blueprint import bp


@bp.route("/verify", methods=["GET"])
@public
def verify_form():
    code = request.args.get("code", "").strip()
    if code:
        return redirect(url_for("catalog.verify", code=certificates.normalise_code(code)))
    return render_template("catalog/verify.html", certificate=None, searched=False, lang=current_code())


@bp.route("/verify/<code>")
@public
@limiter.limit(lambda: current_app.config["VERIFY_LIMIT_PER_IP"])
def verify(code: str):
    certificate = certificates.find(code)
    return render_template("catalog/verify.html", certificate=certificate, searched=True, code=code,
                           lang=current_code(), version=certificate.enrollment.version if certificate else None), \
        200 if certificate else 404
