from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..accounts.forms import email_address, locale_choices
from ..core.roles import ROLE_LABELS, Role


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def role_choices():
    return [(role.value, str(ROLE_LABELS[role])) for role in Role]


class RolesMixin:
    roles = CheckboxesField(_l("Roles"), choices=role_choices)
    provider = SelectField(_l("Training provider (for authors and instructors)"), coerce=int,
                           validators=[Optional()])


class AccountForm(FlaskForm):
    name = StringField(_l("Full name"), validators=[
        DataRequired(_l("Enter a name.")), Length(max=200, message=_l("Use at most 200 characters."))])
    email = EmailField(_l("Email"), validators=[DataRequired(_l("Enter an email address.")), email_address])
    locale = SelectField(_l("Preferred language"), choices=locale_choices, default="en")
    roles = RolesMixin.roles
    provider = RolesMixin.provider


class RolesForm(FlaskForm):
    roles = RolesMixin.roles
    provider = RolesMixin.provider
    reason = TextAreaField(_l("Reason for the change"), validators=[
        DataRequired(_l("Give a reason; it is kept in the audit log.")), Length(max=2000)])


class StatusForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[
        DataRequired(_l("Give a reason; it is kept in the audit log.")), Length(max=2000)])


class ProviderForm(FlaskForm):
    name = StringField(_l("Organisation name"), validators=[
        DataRequired(_l("Enter the organisation's name.")), Length(max=200, message=_l("Use at most 200 characters."))])
