"""People and the roles they hold."""
from __future__ import annotations

import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, Enum, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.clock import now
from ..core.database import UTCDateTime
from ..core.roles import PROVIDER_ROLES, STAFF_ROLES, Role
from ..extensions import db
from ..providers.models import Provider


def new_session_token() -> str:
    return secrets.token_urlsafe(24)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # None until an invited staff member sets a password through their emailed link.
    password_hash: Mapped[str | None] = mapped_column(String(256))
    locale: Mapped[str] = mapped_column(String(16), default="en")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    # Part of every session cookie's user id: replacing it ends every session of this user.
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    grants: Mapped[list[RoleGrant]] = relationship(
        back_populates="user", lazy="selectin", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"

    # Flask-Login
    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    def end_all_sessions(self) -> None:
        self.session_token = new_session_token()

    # Roles
    @property
    def role_set(self) -> frozenset[Role]:
        return frozenset(grant.role for grant in self.grants)

    def has_role(self, *roles: Role) -> bool:
        return bool(self.role_set & set(roles))

    @property
    def is_provider_staff(self) -> bool:
        return bool(self.role_set & PROVIDER_ROLES)

    @property
    def is_staff(self) -> bool:
        return bool(self.role_set & STAFF_ROLES)

    @property
    def providers(self) -> list[Provider]:
        seen: dict[int, Provider] = {}
        for grant in self.grants:
            if grant.provider is not None:
                seen.setdefault(grant.provider.id, grant.provider)
        return sorted(seen.values(), key=lambda p: p.name)

    def can_manage_users(self) -> bool:
        return self.has_role(Role.ADMIN)


class RoleGrant(db.Model):
    """One role held by one person; provider roles name the organisation they act for."""

    __tablename__ = "role_grants"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(
        Enum(Role, native_enum=False, length=32, values_callable=lambda e: [m.value for m in e])
    )
    provider_id: Mapped[int | None] = mapped_column(ForeignKey("providers.id"), index=True)
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    user: Mapped[User] = relationship(back_populates="grants")
    provider: Mapped[Provider | None] = relationship(lazy="joined")

    __table_args__ = (
        Index("uq_role_grants_provider", "user_id", "role", "provider_id", unique=True),
        Index(
            "uq_role_grants_global", "user_id", "role", unique=True,
            sqlite_where=db.text("provider_id IS NULL"),
            postgresql_where=db.text("provider_id IS NULL"),
        ),
    )
