"""Staff manage accounts, roles and provider organisations."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_, select

from ...accounts import services
from ...accounts.models import RoleGrant, User
from ...core import audit
from ...core.access import roles_required
from ...core.errors import DomainError
from ...core.roles import Role
from ...extensions import db
from ...providers.models import Provider
from ..blueprint import bp
from ..forms import AccountForm, ProviderForm, RolesForm, StatusForm

PAGE_SIZE = 50


def _provider_choices(form) -> None:
    providers = db.session.scalars(select(Provider).order_by(Provider.name)).all()
    form.provider.choices = [(0, _("None"))] + [(p.id, p.name) for p in providers]


def _chosen_provider(form) -> Provider | None:
    return db.session.get(Provider, form.provider.data) if form.provider.data else None


@bp.route("/users")
@roles_required(Role.ADMIN)
def users():
    query = select(User).order_by(User.name, User.id)
    q = request.args.get("q", "").strip()
    role = request.args.get("role", "")
    if q:
        like = f"%{q.lower()}%"
        query = query.where(or_(User.email.like(like), db.func.lower(User.name).like(like)))
    if role in {r.value for r in Role}:
        query = query.where(User.grants.any(RoleGrant.role == Role(role)))
    page = db.paginate(query, per_page=PAGE_SIZE, error_out=False)
    return render_template("admin/users.html", page=page, q=q, role=role, roles=list(Role))


@bp.route("/users/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def user_new():
    form = AccountForm()
    _provider_choices(form)
    if form.validate_on_submit():
        try:
            user = services.create_account(
                current_user, form.name.data, form.email.data, form.locale.data,
                {Role(r) for r in form.roles.data}, _chosen_provider(form),
            )
        except DomainError as error:
            db.session.rollback()
            field = form.email if error.code == "email_taken" else form.provider
            field.errors = list(field.errors) + [error.message]
        else:
            db.session.commit()
            flash(_("The account is created and an invitation to set a password was emailed."), "success")
            return redirect(url_for("admin.user_edit", user_id=user.id))
    return render_template("admin/user_new.html", form=form)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def user_edit(user_id: int):
    user = db.get_or_404(User, user_id)
    form = RolesForm()
    _provider_choices(form)
    if request.method == "GET":
        form.roles.data = sorted({g.role.value for g in user.grants})
        form.provider.data = user.providers[0].id if user.providers else 0
    if form.validate_on_submit():
        try:
            services.update_roles(current_user, user, {Role(r) for r in form.roles.data},
                                  _chosen_provider(form), form.reason.data)
        except DomainError as error:
            db.session.rollback()
            form.roles.errors = list(form.roles.errors) + [error.message]
        else:
            db.session.commit()
            flash(_("The roles are saved."), "success")
            return redirect(url_for("admin.user_edit", user_id=user.id))
    history = db.session.scalars(
        select(audit.AuditEvent)
        .where(audit.AuditEvent.object_type == "User", audit.AuditEvent.object_id == str(user.id))
        .order_by(audit.AuditEvent.id.desc()).limit(20)
    ).all()
    return render_template("admin/user_edit.html", user=user, form=form, status_form=StatusForm(prefix="status"),
                           history=history)


@bp.route("/users/<int:user_id>/status", methods=["POST"])
@roles_required(Role.ADMIN)
def user_status(user_id: int):
    user = db.get_or_404(User, user_id)
    form = StatusForm(prefix="status")
    activate = request.form.get("activate") == "1"
    if not form.validate_on_submit():
        flash(_("Give a reason; it is kept in the audit log."), "error")
        return redirect(url_for("admin.user_edit", user_id=user.id))
    try:
        services.set_active(current_user, user, activate, form.reason.data)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("The account is enabled.") if activate else _("The account is disabled and signed out everywhere."),
              "success")
    return redirect(url_for("admin.user_edit", user_id=user.id))


@bp.route("/providers", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def providers():
    form = ProviderForm()
    if form.validate_on_submit():
        name = form.name.data.strip()
        if db.session.scalar(select(Provider).where(Provider.name == name)):
            form.name.errors = list(form.name.errors) + [_("An organisation with this name already exists.")]
        else:
            provider = Provider(name=name)
            db.session.add(provider)
            db.session.flush()
            audit.record("provider.created", provider)
            db.session.commit()
            flash(_("The organisation is added."), "success")
            return redirect(url_for("admin.providers"))
    rows = db.session.scalars(select(Provider).order_by(Provider.name)).all()
    return render_template("admin/providers.html", form=form, providers=rows)
