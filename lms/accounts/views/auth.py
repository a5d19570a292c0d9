"""Signing in and out, registering, and resetting a forgotten password."""
from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from ...core.access import authenticated, public
from ...core.errors import DomainError
from ...core.i18n import current_code
from ...core.navigation import home_url, safe_next
from ...extensions import db, limiter
from .. import services
from ..blueprint import bp
from ..forms import LoginForm, RegisterForm, ResetPasswordForm, ResetRequestForm


def _account_key() -> str:
    return "login-account:" + services.normalise_email(request.form.get("email", ""))


def _start_session(user, remember: bool = False) -> None:
    # A fresh session for every sign-in: nothing from before (CSRF token included) carries over.
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale
    login_user(user, remember=remember)
    session.permanent = True


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_IP"], methods=["POST"], scope="login-ip")
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"], methods=["POST"],
               key_func=_account_key, scope="login-account")
def login():
    if current_user.is_authenticated:
        return redirect(home_url(current_user))
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        db.session.commit()  # the audit row is kept whether or not sign-in succeeded
        if user is not None:
            _start_session(user, remember=form.remember.data)
            return redirect(safe_next(form.next.data) or home_url(user))
        flash(_("The email or password is not correct. Check both and try again."), "error")
    return render_template("accounts/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@authenticated
def logout():
    services.logout(current_user)
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You are signed out on every device."), "info")
    return redirect(url_for("accounts.login"))


@bp.route("/register", methods=["GET", "POST"])
@public
def register():
    if current_user.is_authenticated:
        return redirect(home_url(current_user))
    form = RegisterForm()
    if request.method == "GET":
        form.locale.data = current_code()
    if form.validate_on_submit():
        try:
            user = services.register_trainee(form.name.data, form.email.data, form.password.data, form.locale.data)
        except DomainError as error:
            field = form.email if error.code == "email_taken" else form.password
            field.errors.append(error.message)
        else:
            db.session.commit()
            _start_session(user)
            flash(_("Welcome! Your account is ready."), "success")
            return redirect(home_url(user))
    return render_template("accounts/register.html", form=form)


@bp.route("/password/forgot", methods=["GET", "POST"])
@public
@limiter.limit(lambda: current_app.config["RESET_LIMIT_PER_IP"], methods=["POST"], scope="reset-ip")
def forgot_password():
    form = ResetRequestForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        db.session.commit()
        flash(_("If an account uses that email, we have sent it a link to choose a new password. "
                "Check your inbox and spam folder."), "info")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/forgot_password.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@public
def reset_password(token: str):
    user = services.user_for_reset_token(token)
    if user is None:
        flash(_("This link has expired or was already used. Ask for a new one below."), "error")
        return redirect(url_for("accounts.forgot_password"))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            services.complete_password_reset(user, form.password.data)
        except DomainError as error:
            form.password.errors.append(error.message)
        else:
            db.session.commit()
            if current_user.is_authenticated:
                logout_user()
            flash(_("Your password is set. Sign in with it now."), "success")
            return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_password.html", form=form, user=user)
