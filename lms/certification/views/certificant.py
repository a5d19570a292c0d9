"""The certified peer's own page: status, dates, what to do next, and the wallet card (PDF with a QR code)."""
from __future__ import annotations

from flask import Response, abort, render_template
from flask_login import current_user
from sqlalchemy import select

from ...core.access import roles_required
from ...core.clock import now
from ...core.i18n import current_code
from ...core.roles import Role
from ...extensions import db
from .. import renewals, service, wallet
from ..blueprint import bp
from ..models import Certification


def current_certification() -> Certification | None:
    return db.session.scalars(select(Certification).where(Certification.user_id == current_user.id)
                              .order_by(Certification.issued_at.desc())).first()


@bp.route("/certification")
@roles_required(Role.TRAINEE)
def mine():
    certification, at = current_certification(), now()
    return render_template("certification/mine.html", certification=certification,
                           status=service.public_status(certification, at) if certification else None,
                           path=renewals.path_for(certification, at) if certification else None)


@bp.route("/certification/wallet.pdf")
@roles_required(Role.TRAINEE)
def wallet_pdf():
    certification = current_certification()
    if certification is None:
        abort(404)
    return Response(wallet.pdf(certification, current_code(), now()), mimetype="application/pdf",
                    headers={"Content-Disposition": f"inline; filename=certification-{certification.number}.pdf"})
