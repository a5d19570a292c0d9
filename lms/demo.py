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
    _pilot_statistics()
    _exam_session()
    _approved_application()
    db.session.commit()
    return created


def _approved_application() -> None:
    """Demo only: the trainee's application is approved (signed, diploma seen) so the exam can be booked."""
    from .candidates.applications import add_months
    from .candidates.models import Application
    from .core.clock import now
    from .core.policy import setting

    trainee = db.session.scalar(select(User).where(User.email == "trainee@example.org"))
    if trainee is None or db.session.scalar(select(Application.id).where(Application.user_id == trainee.id)):
        return
    at = now()
    db.session.add(Application(
        user_id=trainee.id, status="approved", legal_name=trainee.name, education="diploma",
        lived_experience="consumer", willing_to_share=True, training_source="platform",
        dedication="Demo application: recovery taught me that change is possible, and I want to share that.",
        ethics_version=setting("code_of_ethics_version"), ethics_signature=trainee.name, ethics_signed_at=at,
        submitted_at=at, decided_at=at, window_opens_at=at,
        window_closes_at=add_months(at, setting("application_window_months"))))


def _exam_session() -> None:
    """Demo only: one exam session tomorrow, in every language the bank can serve, for the trainee to book and
    the demo proctor to run."""
    from datetime import timedelta

    from .core.clock import now
    from .exam.models import ExamSession, SessionProctor
    from .exam.scheduling import offerable_languages

    languages = offerable_languages()
    if not languages or db.session.scalar(select(ExamSession.id).limit(1)) is not None:
        return
    start = (now() + timedelta(days=1)).replace(hour=16, minute=0, second=0, microsecond=0)
    session = ExamSession(mode="center", starts_at=start, location="Sacramento (demo)", capacity=30,
                          languages=languages)
    proctor = db.session.scalar(select(User).where(User.email == "proctor@example.org"))
    if proctor is not None:   # the demo proctor runs it (and signs its report)
        session.proctors.append(SessionProctor(user_id=proctor.id, lead=True))
    db.session.add(session)


PILOT_LABEL = "Simulated pilot (demo data)"


def _pilot_statistics(candidates: int = 1200, seed: int = 2026) -> None:
    """Demo only: a simulated pilot of LOFT forms, analysed, so the statistics screens have something to show."""
    import numpy as np

    from .itembank.assembly import AssemblyError, assemble_many
    from .itembank.loader import LANGUAGES, shipped_blueprint
    from .itembank.models import StatisticsRun
    from .itembank.psychometrics.irt import simulate
    from .itembank.statistics import form_spec, record_run, working_pool

    if db.session.scalar(select(StatisticsRun.id).limit(1)) is not None:
        return
    blueprint = shipped_blueprint()
    pool = working_pool(blueprint)
    if not len(pool.ids):
        return   # the bank is not loaded: nothing to simulate
    spec = form_spec(blueprint)
    try:
        forms = assemble_many(pool, spec, candidates, seed).forms
    except AssemblyError:
        return   # the bank cannot serve the blueprint: nothing to simulate
    rng = np.random.default_rng(seed)
    presented = np.zeros((candidates, len(pool.ids)), dtype=bool)
    for person, form in enumerate(forms):
        presented[person, form] = True
    a, b = rng.lognormal(0, 0.25, len(pool.ids)), rng.normal(-0.3, 0.9, len(pool.ids))
    responses, _theta = simulate(candidates, a, b, rng, presented)
    ids = [f"demo-{n:05d}" for n in range(candidates)]
    languages = rng.choice(LANGUAGES, candidates, p=[0.5] + [0.5 / 9] * 9)
    record_run(None, PILOT_LABEL, ids, [str(i) for i in pool.ids], responses, dict(zip(ids, languages)))
