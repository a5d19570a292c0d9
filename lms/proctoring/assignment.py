"""Which sessions a person may run: proctors those they are assigned to, certification staff every one."""
from __future__ import annotations

from flask import abort
from flask_babel import gettext as _
from sqlalchemy import select

from ..accounts.models import RoleGrant, User
from ..core import audit
from ..core.errors import DomainError
from ..core.roles import Role
from ..extensions import db
from ..exam.models import ExamSession, SessionProctor


def may_run(user, session: ExamSession) -> bool:
    if Role.ADMIN in user.role_set:
        return True
    return any(p.user_id == user.id for p in session.proctors)


def session_for(user, session_id: int) -> ExamSession:
    """The session, if this person may run it: 404 when there is none, 403 when it is someone else's."""
    session = db.session.get(ExamSession, session_id)
    if session is None:
        abort(404)
    if not may_run(user, session):
        abort(403)
    return session


def sessions_for(user) -> list[ExamSession]:
    query = select(ExamSession).order_by(ExamSession.starts_at.desc())
    if Role.ADMIN not in user.role_set:
        query = query.join(SessionProctor).where(SessionProctor.user_id == user.id)
    return list(db.session.scalars(query))


def proctors() -> list[User]:
    """Everyone who holds the proctor role, for staff assigning sessions."""
    return list(db.session.scalars(select(User).join(RoleGrant, RoleGrant.user_id == User.id)
                                   .where(RoleGrant.role == Role.PROCTOR, User.active.is_(True))
                                   .order_by(User.name).distinct()))


def assign(session: ExamSession, user_ids: list[int], lead_id: int | None, actor) -> None:
    """Set the session's proctors (only people with the proctor role); the lead must be one of them."""
    allowed = {u.id for u in proctors()}
    chosen = [i for i in dict.fromkeys(user_ids) if i in allowed]
    if lead_id is not None and lead_id not in chosen:
        raise DomainError("bad_input", _("The lead proctor must be one of the session's proctors."))
    current = {p.user_id: p for p in session.proctors}
    for user_id, row in current.items():
        if user_id not in chosen:
            session.proctors.remove(row)
    for user_id in chosen:
        row = current.get(user_id) or SessionProctor(user_id=user_id)
        row.lead = user_id == lead_id
        if user_id not in current:
            session.proctors.append(row)
    audit.record("exam.proctors_assigned", session, actor=actor, proctors=chosen, lead=lead_id)


def lead_of(session: ExamSession):
    return next((p.user for p in session.proctors if p.lead), None)
