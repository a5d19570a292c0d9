"""Account forms. Every message is ours, so it is translated in all ten catalogs."""
from __future__ import annotations

import re

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from ..core.i18n import LOCALES

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def email_address(form, field):
    if field.data and not _EMAIL.match(field.data.strip()):
        raise ValidationError(_l("Enter an email address like name@example.org."))


def long_enough(form, field):
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if field.data and len(field.data) < minimum:
        from flask_babel import gettext

        raise ValidationError(gettext("Use at least %(n)d characters for your password.", n=minimum))


def locale_choices():
    return list(LOCALES.items())


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(_l("Enter your email address.")), email_address])
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password."))])
    remember = BooleanField(_l("Keep me signed in on this device"))
    next = HiddenField()


def _new_password_fields(label, repeat_label):
    password = PasswordField(label, validators=[DataRequired(_l("Choose a password.")), long_enough])
    confirm = PasswordField(repeat_label, validators=[
        DataRequired(_l("Type the password again.")),
        EqualTo("password", message=_l("The two passwords are not the same. Type them again."))])
    return password, confirm


class ResetPasswordForm(FlaskForm):
    password, confirm = _new_password_fields(_l("New password"), _l("Repeat the new password"))


class RegisterForm(FlaskForm):
    name = StringField(_l("Full name"), validators=[
        DataRequired(_l("Enter your name.")), Length(max=200, message=_l("Use at most 200 characters."))])
    email = EmailField(_l("Email"), validators=[DataRequired(_l("Enter your email address.")), email_address])
    password, confirm = _new_password_fields(_l("Password"), _l("Repeat the password"))
    locale = SelectField(_l("Preferred language"), choices=locale_choices, default="en")


class PasswordChangeForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired(_l("Enter your current password."))])
    password, confirm = _new_password_fields(_l("New password"), _l("Repeat the new password"))


class ResetRequestForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(_l("Enter your email address.")), email_address])


class ProfileForm(FlaskForm):
    name = StringField(_l("Full name"), validators=[
        DataRequired(_l("Enter your name.")), Length(max=200, message=_l("Use at most 200 characters."))])
    locale = SelectField(_l("Preferred language"), choices=locale_choices)
