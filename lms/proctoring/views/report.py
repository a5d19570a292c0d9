"""The session report (page, CSV, PDF) and the lead proctor's sign-off."""
from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...core.access import roles_required
from ...core.clock import now
from ...core.errors import DomainError
from ...extensions import db
from .. import report as reports
from ..blueprint import bp
from .common import session_and_seat
from .console import PROCTORING


@bp.route("/proctor/sessions/<int:session_id>/report")
@roles_required(*PROCTORING)
def session_report(session_id: int):
    session, _seat = session_and_seat(session_id)
    return render_template("proctoring/report.html", report=reports.build(session), session=session)


@bp.route("/proctor/sessions/<int:session_id>/report.csv")
@roles_required(*PROCTORING)
def session_report_csv(session_id: int):
    session, _seat = session_and_seat(session_id)
    return Response(reports.as_csv(reports.build(session)), mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename=exam-session-{session.id}.csv"})


@bp.route("/proctor/sessions/<int:session_id>/report.pdf")
@roles_required(*PROCTORING)
def session_report_pdf(session_id: int):
    session, _seat = session_and_seat(session_id)
    return Response(reports.pdf(reports.build(session)), mimetype="application/pdf",
                    headers={"Content-Disposition": f"inline; filename=exam-session-{session.id}.pdf"})


@bp.route("/proctor/sessions/<int:session_id>/sign-off", methods=["POST"])
@roles_required(*PROCTORING)
def sign_off(session_id: int):
    session, _seat = session_and_seat(session_id)
    try:
        reports.sign_off(session, current_user, request.form.get("note", ""), now())
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("The session report is signed off."), "success")
    return redirect(url_for("proctoring.session_report", session_id=session.id))
