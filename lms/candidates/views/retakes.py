"""The candidate asks to sit again after a sitting that did not pass."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...core.access import roles_required
from ...core.clock import now
from ...core.errors import DomainError
from ...core.roles import Role
from ...extensions import db
from .. import eligibility, retakes
from ..blueprint import bp


@bp.route("/exam/retake", methods=["GET", "POST"])
@roles_required(Role.TRAINEE)
def retake():
    at = now()
    if request.method == "POST":
        try:
            retakes.request(current_user, request.form.get("note", ""), at)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("Your retake request is sent. Certification staff will review it."), "success")
        return redirect(url_for("candidates.retake"))
    standing = eligibility.standing(current_user, at)
    requests = standing.application.retake_requests if standing.application is not None else []
    return render_template("candidates/retake.html", standing=standing, requests=requests)
