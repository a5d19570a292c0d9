"""A person's own account: name, language, password."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from ...core.access import authenticated
from ...core.audit import AuditEvent
from ...core.errors import DomainError
from ...extensions import db
from .. import services
from ..blueprint import bp
from ..forms import PasswordChangeForm, ProfileForm

RECENT_SIGN_INS = 5


@bp.route("/account", methods=["GET", "POST"])
@authenticated
def profile():
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        services.update_profile(current_user, form.name.data, form.locale.data)
        db.session.commit()
        flash(_("Your profile is saved."), "success")
        return redirect(url_for("accounts.profile"))
    sign_ins = db.session.scalars(
        db.select(AuditEvent)
        .where(AuditEvent.object_type == "User", AuditEvent.object_id == str(current_user.id),
               AuditEvent.action.in_(["auth.login", "auth.login_failed"]))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(RECENT_SIGN_INS)
    ).all()
    return render_template("accounts/profile.html", form=form, sign_ins=sign_ins)


@bp.route("/account/password", methods=["GET", "POST"])
@authenticated
def change_password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current.data, form.password.data)
        except DomainError as error:
            field = form.current if error.code == "wrong_password" else form.password
            field.errors.append(error.message)
            db.session.rollback()
        else:
            db.session.commit()
            logout_user()
            flash(_("Your password is changed and you are signed out everywhere. Sign in with the new password."),
                  "success")
            return redirect(url_for("accounts.login"))
    return render_template("accounts/change_password.html", form=form)
