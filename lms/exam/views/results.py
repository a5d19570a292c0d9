"""Results: the candidate's result page and score report PDF, and staff releasing results after review."""
from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ...core.access import roles_required
from ...core.database import writes
from ...core.clock import now
from ...core.i18n import LOCALES
from ...core.roles import Role
from ...extensions import db
from .. import results, sitting
from ..blueprint import bp
from .common import own_attempt

AWAITING_SHOWN = 200   # rows of results awaiting release on one page


@bp.route("/exam/attempts/<public_id>/result")
@writes
@roles_required(Role.TRAINEE)
def result(public_id: str):
    attempt = own_attempt(public_id)
    db.session.commit()   # keeps what catching up with the clock did (an attempt closed by time)
    if attempt.state in sitting.OPEN:
        return redirect(url_for("exam.sitting_page", public_id=public_id))
    report = results.score_report(attempt, now()) if results.is_released(attempt) else None
    return render_template("exam/result.html", attempt=attempt, report=report)


@bp.route("/exam/attempts/<public_id>/result.pdf")
@writes
@roles_required(Role.TRAINEE)
def result_pdf(public_id: str):
    attempt = own_attempt(public_id)
    db.session.commit()
    if not results.is_released(attempt):
        abort(404)
    return Response(results.pdf(attempt, now()), mimetype="application/pdf",
                    headers={"Content-Disposition": f"inline; filename=exam-result-{attempt.public_id}.pdf"})


@bp.route("/staff/exam/results")
@roles_required(Role.ADMIN, Role.PSYCHOMETRICIAN)
def staff_results():
    awaiting, total = results.awaiting_release(AWAITING_SHOWN)
    return render_template("exam/staff_results.html", awaiting=awaiting, awaiting_total=total,
                           released=results.recently_released(), locales=LOCALES,
                           may_release=current_user.has_role(Role.ADMIN))


@bp.route("/staff/exam/results/release", methods=["POST"])
@roles_required(Role.ADMIN)
def staff_results_release():
    """Release the one result whose button was pressed, or every ticked one."""
    only = request.form.get("only")
    chosen = [only] if only else request.form.getlist("attempt")
    if not chosen:
        flash(_("Tick the results to release, then press the button again."), "error")
        return redirect(url_for("exam.staff_results"))
    count = results.release_all(chosen, current_user, now())
    db.session.commit()
    if count:
        flash(ngettext("%(num)d result released. The candidate can see it now.",
                       "%(num)d results released. The candidates can see them now.", count), "success")
    else:
        flash(_("Nothing changed: those results were already released."), "success")
    return redirect(url_for("exam.staff_results"))
