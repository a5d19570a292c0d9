"""Certification staff's home page and the audit log."""
from __future__ import annotations

from flask import render_template, request
from sqlalchemy import select

from ...accounts.services import count_by_role
from ...core.access import roles_required
from ...core.audit import AuditEvent
from ...core.roles import ROLE_LABELS, STAFF_ROLES, Role
from ...extensions import db
from ..blueprint import bp

AUDIT_PAGE_SIZE = 50


@bp.route("/")
@roles_required(*STAFF_ROLES)
def dashboard():
    counts = count_by_role()
    recent = db.session.scalars(
        select(AuditEvent).order_by(AuditEvent.id.desc()).limit(10)
    ).all()
    return render_template(
        "admin/dashboard.html",
        role_counts=[(ROLE_LABELS[role], counts.get(role, 0)) for role in Role],
        recent=recent,
    )


@bp.route("/audit")
@roles_required(Role.ADMIN)
def audit_log():
    query = select(AuditEvent).order_by(AuditEvent.id.desc())
    action = request.args.get("action", "").strip()
    actor = request.args.get("actor", type=int)
    if action:
        query = query.where(AuditEvent.action.startswith(action))
    if actor:
        query = query.where(AuditEvent.actor_id == actor)
    page = db.paginate(query, per_page=AUDIT_PAGE_SIZE, error_out=False)
    return render_template("admin/audit.html", page=page, action=action, actor=actor)
