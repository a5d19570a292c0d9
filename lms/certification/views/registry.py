"""The public registry: anyone can look a certified peer up by name or number; nothing private is shown."""
from __future__ import annotations

from flask import abort, current_app, render_template, request
from sqlalchemy import func, or_, select

from ...core.access import public
from ...core.clock import now
from ...extensions import db, limiter
from ..blueprint import bp
from ..models import Certification
from ..service import public_status

SHOWN = 50


def _search(text: str) -> list[Certification]:
    text = " ".join(text.split())
    if len(text) < 2:
        return []
    named = func.lower(Certification.legal_name).contains(text.casefold(), autoescape=True)
    return list(db.session.scalars(
        select(Certification).where(or_(named, Certification.number == text.upper().replace(" ", "")))
        .order_by(Certification.legal_name, Certification.number).limit(SHOWN)))


@bp.route("/registry")
@public
@limiter.limit(lambda: current_app.config["VERIFY_LIMIT_PER_IP"])
def registry():
    query = request.args.get("q", "").strip()
    at = now()
    return render_template("certification/registry.html", query=query, found=_search(query), shown=SHOWN,
                           status_of=lambda c: public_status(c, at))


@bp.route("/registry/<number>")
@public
@limiter.limit(lambda: current_app.config["VERIFY_LIMIT_PER_IP"])
def registry_entry(number: str):
    certification = db.session.scalar(select(Certification).where(Certification.number == number.upper()))
    if certification is None:
        abort(404)
    return render_template("certification/entry.html", certification=certification,
                           status=public_status(certification, now()))
