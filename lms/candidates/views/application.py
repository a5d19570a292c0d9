"""The candidate's application to certify: one page to fill in, save as a draft and submit."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...core.access import roles_required
from ...core.clock import now
from ...core.errors import DomainError
from ...core.roles import Role
from ...extensions import db
from .. import applications, eligibility
from ..accommodations import plan_for
from ..blueprint import bp
from ..ethics import PRINCIPLES


def _answers_from(form, files) -> applications.Answers:
    return applications.Answers(
        legal_name=form.get("legal_name", ""), date_of_birth=form.get("date_of_birth", ""),
        education=form.get("education", ""), lived_experience=form.get("lived_experience", ""),
        willing_to_share=form.get("willing_to_share") == "1", dedication=form.get("dedication", ""),
        training_source=form.get("training_source", ""), agree=form.get("agree") == "1",
        signature=form.get("signature", ""), files={name: files.get(name) for name in ("education_file",
                                                                                       "training_file")})


def _answers_of(application) -> applications.Answers:
    return applications.Answers(
        legal_name=application.legal_name,
        date_of_birth=application.date_of_birth.isoformat() if application.date_of_birth else "",
        education=application.education, lived_experience=application.lived_experience,
        willing_to_share=application.willing_to_share, dedication=application.dedication,
        training_source=application.training_source, signature=application.ethics_signature or "")


@bp.route("/exam/apply", methods=["GET", "POST"])
@roles_required(Role.TRAINEE)
def apply():
    at = now()
    application = eligibility.current_application(current_user)
    errors: dict[str, str] = {}
    if request.method == "POST":
        if application is None or applications.may_start_new(application, at):
            application = applications.start(current_user, at)
        answers = _answers_from(request.form, request.files)
        submit = request.form.get("action") == "submit"
        try:
            applications.save(application, current_user, answers, at, submit)
        except applications.Invalid as invalid:
            errors = invalid.errors
            db.session.commit()   # what was valid (and any accepted upload) is kept
            flash(invalid.message, "error")
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
            return redirect(url_for("candidates.apply"))
        else:
            db.session.commit()
            flash(_("Your application is sent. Certification staff will review it.") if submit
                  else _("Your answers are saved. You can come back and finish later."), "success")
            return redirect(url_for("candidates.apply"))
    else:
        answers = _answers_of(application) if application is not None else applications.Answers(
            legal_name=current_user.name)
    editable = (application is None or application.status in applications.EDITABLE
                or applications.may_start_new(application, at))
    return render_template("candidates/apply.html", application=application, editable=editable,
                           answers=answers, errors=errors, principles=PRINCIPLES,
                           core_done=applications.completed_core_training(current_user),
                           standing=eligibility.standing(current_user, at),
                           plan=plan_for(application) if application is not None else None), \
        (400 if errors else 200)
