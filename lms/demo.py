"""Demo accounts for `make run`: one per role, created only in demo mode, never duplicated."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from .accounts.models import RoleGrant, User
from .accounts.services import hash_password
from .core.roles import Role
from .extensions import db
from .providers.models import Provider

DEMO_PASSWORD = "demo-password"
DEMO_PROVIDER = "Golden State Peer Training (demo)"


@dataclass(frozen=True)
class DemoAccount:
    email: str
    name: str
    roles: tuple[Role, ...]
    locale: str = "en"


DEMO_ACCOUNTS = (
    DemoAccount("trainee@example.org", "Tanya Trainee", (Role.TRAINEE,)),
    DemoAccount("provider@example.org", "Paulo Provider", (Role.AUTHOR, Role.INSTRUCTOR)),
    DemoAccount("proctor@example.org", "Priya Proctor", (Role.PROCTOR,)),
    DemoAccount("admin@example.org", "Alex Admin", (Role.ADMIN, Role.ITEM_WRITER, Role.PSYCHOMETRICIAN)),
)


def seed() -> list[str]:
    """Create whatever demo rows are missing; returns the emails created."""
    provider = db.session.scalar(select(Provider).where(Provider.name == DEMO_PROVIDER))
    if provider is None:
        provider = Provider(name=DEMO_PROVIDER)
        db.session.add(provider)
        db.session.flush()
    created = []
    for account in DEMO_ACCOUNTS:
        if db.session.scalar(select(User).where(User.email == account.email)):
            continue
        user = User(email=account.email, name=account.name, locale=account.locale, is_demo=True,
                    password_hash=hash_password(DEMO_PASSWORD))
        for role in account.roles:
            user.grants.append(RoleGrant(role=role, provider_id=provider.id if role.needs_provider else None))
        db.session.add(user)
        created.append(account.email)
    from .catalog.services import offer_latest_versions

    offer_latest_versions(provider)  # the demo provider offers every shipped course
    db.session.commit()
    return created
