"""Renewing: the certificant files a renewal; certification staff decide it."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ...candidates.ethics import PRINCIPLES
from ...candidates.models import Upload
from ...core.access import roles_required
from ...core.clock import now
from ...core.errors import DomainError, Invalid
from ...core.roles import Role
from ...extensions import db
from .. import renewals
from ..blueprint import bp
from ..models import Renewal
from .certificant import current_certification


def _entries() -> list[renewals.Entry]:
    form, files = request.form, request.files
    return [renewals.Entry(title=form.get(f"title-{n}", ""), provider=form.get(f"provider-{n}", ""),
                           completed_on=form.get(f"completed_on-{n}", ""), hours=form.get(f"hours-{n}", ""),
                           law_ethics=form.get(f"law_ethics-{n}") == "1", file=files.get(f"file-{n}"),
                           upload_id=form.get(f"upload_id-{n}", type=int))
            for n in range(renewals.ROWS)]


@bp.route("/certification/renew", methods=["GET", "POST"])
@roles_required(Role.TRAINEE)
def renew():
    certification, at = current_certification(), now()
    if certification is None:
        abort(404)
    entries, errors, status = [renewals.Entry() for _ in range(renewals.ROWS)], {}, 200
    if request.method == "POST":
        entries = _entries()
        try:
            renewals.submit(certification, current_user, entries, request.form.get("agree") == "1",
                            request.form.get("signature", ""), at)
        except Invalid as invalid:
            db.session.commit()   # evidence already checked stays kept, so nothing has to be uploaded twice
            errors, status = invalid.errors, 400
            flash(invalid.message, "error")
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
            return redirect(url_for("certification.mine"))
        else:
            db.session.commit()
            flash(_("Your renewal is sent. Certification staff will review it."), "success")
            return redirect(url_for("certification.mine"))
    return render_template("certification/renew.html", certification=certification, entries=entries, errors=errors,
                           path=renewals.path_for(certification, at), totals=renewals.totals(certification, [], at),
                           principles=PRINCIPLES, form=request.form), status


@bp.route("/staff/renewals")
@roles_required(Role.ADMIN)
def staff_renewals():
    waiting = db.session.scalars(select(Renewal).where(Renewal.status == "submitted")
                                 .order_by(Renewal.submitted_at)).all()
    return render_template("certification/staff_renewals.html", waiting=waiting)


@bp.route("/staff/renewals/<int:renewal_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def staff_renewal(renewal_id: int):
    renewal = db.get_or_404(Renewal, renewal_id)
    if request.method == "POST":
        try:
            renewals.decide(renewal, current_user, request.form.get("decision", ""), request.form.get("note", ""),
                            now())
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("The decision is saved."), "success")
            return redirect(url_for("certification.staff_renewals"))
    uploads = {u.id: u for u in db.session.scalars(select(Upload).where(
        Upload.id.in_([e["upload_id"] for e in renewal.outside])))}
    return render_template("certification/staff_renewal.html", renewal=renewal, uploads=uploads)
