"""The exam sitting under load, on SQLite and PostgreSQL, each served by gunicorn beside a bare Flask app.

    make bench-exam                                # both engines, then --profile (about 10 minutes)
    .venv/bin/python bench/exam.py --engines sqlite --candidates 200 --duration 10
    .venv/bin/python bench/exam.py --crash         # only the crash test (after admitting the candidates)
    .venv/bin/python bench/exam.py --profile       # where the time of an admission and of a save goes

For each engine, in a database of its own (SQLite in a temporary folder; PostgreSQL database `bench_exam`,
dropped afterwards): candidates with their own signed-in sessions are admitted at once by staff over HTTP
(time until every one has the first question), then save answers through the JSON API: a capacity run
(think-time-free clients) and a run with every candidate on its own connection at the exam's pace (a question
every 75 s, a heartbeat every 30 s), each beside the bare endpoint sent the same requests. The crash test kills gunicorn (master and workers, SIGKILL)
during a load run, restarts it on the same database, and checks every acknowledged save and every clock.
Results: Markdown tables, and bench/results/exam-latest.json.
"""
from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import random
import sys
import tempfile
import time
from contextlib import contextmanager, redirect_stderr
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from exam_clients import PASSWORD, Candidate, Recorder, admit_all, answer, in_lanes  # noqa: E402
from exam_report import GOALS, ms, report, run_profile  # noqa: E402
from serve import FAST_PASSWORDS, Gunicorn, lms_app, machine_busy_seconds, postgres_cpu_seconds  # noqa: E402

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


# -- the database: create, seed, read back ------------------------------------------------------------------

@contextmanager
def database(engine: str, workdir: str, pg_name: str):
    if engine == "sqlite":
        yield f"sqlite:///{workdir}/lms.db"
        return
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{pg_name}"')
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{pg_name}"
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')


def seed(app, count: int) -> list[dict]:
    """Schema, item bank, one staff member and ``count`` candidates, each with an approved application and a seat."""
    from flask_migrate import upgrade

    from lms.accounts.models import RoleGrant, User
    from lms.accounts.services import hash_password
    from lms.candidates.models import Application
    from lms.core.roles import Role
    from lms.exam.models import Booking, ExamSession
    from lms.exam.scheduling import offerable_languages
    from lms.extensions import db
    from lms.itembank.loader import EXAM_BANK, load_bank
    from lms.itembank.store import load_files

    with app.app_context():
        with redirect_stderr(io.StringIO()):   # alembic's INFO lines
            upgrade()
        load_files(load_bank(EXAM_BANK))
        db.session.commit()
        languages = offerable_languages()
        at = datetime.now(timezone.utc)
        password = hash_password(PASSWORD)   # one hash for everyone: this bench is not about hashing
        staff = User(email="staff@bench.test", name="Bench Staff", password_hash=password)
        staff.grants.append(RoleGrant(role=Role.ADMIN))
        session = ExamSession(mode="center", starts_at=at + timedelta(hours=1), location="Bench", capacity=count,
                              languages=languages)
        db.session.add_all([staff, session])
        seats = []
        for n in range(count):
            user = User(email=f"candidate{n}@bench.test", name=f"Candidate {n:04d}", password_hash=password)
            user.grants.append(RoleGrant(role=Role.TRAINEE))
            application = Application(
                user=user, status="approved", legal_name=user.name, education="diploma", lived_experience="consumer",
                willing_to_share=True, dedication="Bench.", training_source="platform", ethics_version="2024-1",
                ethics_signature=user.name, ethics_signed_at=at, submitted_at=at, decided_at=at, window_opens_at=at,
                window_closes_at=at + timedelta(days=365))
            booking = Booking(session=session, user=user, language=languages[n % len(languages)], status="booked",
                              booked_at=at, application=application, checkin="present", checked_in_at=at,
                              id_type="state_id", id_last="1234", name_matches=True)   # the proctor checked the ID
            db.session.add_all([user, application, booking])
            seats.append(booking)
        db.session.commit()
        rows = [{"n": n, "email": b.user.email, "booking": b.id, "session": b.session_id} for n, b in enumerate(seats)]
        db.session.remove()
        db.engine.dispose()
    return rows


def read_attempts(app, public_ids: list[str]) -> dict:
    """What the database holds for these attempts: clock, form, answers; and how to map opaque option ids."""
    from sqlalchemy import select

    from lms.exam.models import Attempt
    from lms.extensions import db
    from lms.itembank.models import ItemVersion

    with app.app_context():
        attempts, options = {}, {}
        for attempt in db.session.scalars(select(Attempt).where(Attempt.public_id.in_(public_ids))):
            for entry in attempt.form:
                key = (entry["item"], entry["version"])
                if key not in options:
                    version = db.session.scalars(select(ItemVersion).where(
                        ItemVersion.item_id == key[0], ItemVersion.number == key[1])).one()
                    options[key] = {lang: sorted(o["id"] for o in v["options"])
                                    for lang, v in version.snapshot["variants"].items()}
            attempts[attempt.public_id] = {
                "form": attempt.form, "language": attempt.language, "last_seq": attempt.last_seq,
                "allowed": attempt.time_allowed_seconds, "used": attempt.time_used_seconds,
                "started_at": attempt.started_at, "running_since": attempt.running_since,
                "answers": {a.position: (a.option, a.seq) for a in attempt.answers}}
        secret = app.config["SECRET_KEY"].encode()
        db.session.remove()
        db.engine.dispose()
    return {"attempts": attempts, "options": options, "secret": secret}


# -- the crash test ----------------------------------------------------------------------------------------

def check_saves(people: list[Candidate], stored: dict) -> dict:
    """Every save answered 2xx must be in the database: the last one per question, same option and seq
    (or a later save of that question that was in flight at the crash and committed without an answer)."""
    from lms.itembank.delivery import option_for

    out = dict.fromkeys(["acknowledged", "checked", "found", "missing", "wrong", "in_flight_committed",
                         "last_seq_behind"], 0)
    for c in people:
        attempt = stored["attempts"][c.public_id]

        def option(position: int, opaque: str) -> str | None:
            entry = attempt["form"][position - 1]
            ids = stored["options"][(entry["item"], entry["version"])][attempt["language"]]
            return option_for(stored["secret"], c.public_id, entry["item"], ids, opaque)

        pending = {(p, s): o for p, s, o in c.unacked}
        out["acknowledged"] += c.acks
        for position, (seq, opaque) in c.acked.items():
            out["checked"] += 1
            row = attempt["answers"].get(position - 1)
            if row is None:
                out["missing"] += 1
            elif row == (option(position, opaque), seq):
                out["found"] += 1
            elif row[1] > seq and (position, row[1]) in pending \
                    and row[0] == option(position, pending[position, row[1]]):
                out["found"] += 1   # a later save of this question, committed but unanswered at the crash
            else:
                out["wrong"] += 1
        out["in_flight_committed"] += sum(attempt["answers"].get(p - 1) == (option(p, o), s) for p, s, o in c.unacked)
        if c.acked and attempt["last_seq"] < max(s for s, _o in c.acked.values()):
            out["last_seq_behind"] += 1
    return out


async def check_clocks(people: list[Candidate], stored: dict, tolerance: float = 2.0) -> dict:
    """The server's remaining_seconds after the restart against allowed - (now - started_at), the clock having
    run throughout (no breaks were taken), with now read just before and just after each request."""
    rec, deviations = Recorder(), []

    async def one(c: Candidate):
        attempt = stored["attempts"][c.public_id]
        before = datetime.now(timezone.utc)
        reply = await rec.timed("state", c.http, "GET", f"/api/v1/attempts/{c.public_id}",
                                headers={"Accept": "application/json"}, cookies=c.cookies)
        after = datetime.now(timezone.utc)
        if reply is None:
            return
        remaining = json.loads(reply.body)["remaining_seconds"]
        high = attempt["allowed"] - (before - attempt["started_at"]).total_seconds()
        low = attempt["allowed"] - (after - attempt["started_at"]).total_seconds()
        deviations.append(0.0 if low - 1 <= remaining <= high + 1 else min(abs(remaining - low), abs(remaining - high)))

    started = time.perf_counter()
    await in_lanes([lambda c=c: one(c) for c in people], 32)
    return {"checked": len(deviations), "max_deviation_s": max(deviations, default=None),
            "beyond_tolerance": sum(d > tolerance for d in deviations), "tolerance_s": tolerance,
            "clock_never_stopped": all(a["running_since"] == a["started_at"] and a["used"] == 0
                                       for a in stored["attempts"].values()),
            "requests": rec.report(time.perf_counter() - started)}


async def crash_test(people: list[Candidate], server: Gunicorn, app, args) -> dict:
    """Think-time-free clients save answers; SIGKILL the server's process group mid-run; restart it on the same
    database; check the saves and clocks; then the candidates carry on where they were."""
    stop, unacked_before = asyncio.Event(), sum(len(c.unacked) for c in people)
    load = asyncio.ensure_future(answer(people, server.port, args.crash_after + 60, 0, args.capacity_clients,
                                        False, stop))
    await asyncio.sleep(args.crash_after)
    server.crash()
    killed = time.perf_counter()
    stop.set()
    before = await load
    await asyncio.to_thread(server.start)
    restart_s = time.perf_counter() - killed
    ids = [c.public_id for c in people]
    saves = check_saves(people, read_attempts(app, ids))
    clocks = await check_clocks(people, read_attempts(app, ids))
    resumed = await answer(people, server.port, args.resume_seconds, 0, args.capacity_clients, False)
    return {"killed_after_s": args.crash_after, "restart_s": round(restart_s, 1), "load_before": before,
            "unanswered_at_kill": sum(len(c.unacked) for c in people) - unacked_before, "saves": saves,
            "clocks": clocks, "resumed": resumed, "saves_after_resume": check_saves(people, read_attempts(app, ids))}


def admit_rest(app, people: list[Candidate]) -> dict:
    """Admit, through ``sitting.admit`` itself, whoever the measured admission did not start. A candidate whose
    first page was cut off by the time limit may have had the attempt bound to a device cookie they never
    received: staff release it, as a proctor would."""
    import lms.exam.sitting as sitting
    from lms.exam.models import Booking
    from lms.extensions import db

    rest, released = [c for c in people if not c.started], 0
    with app.app_context():
        for c in rest:
            attempt = sitting.admit(db.session.get(Booking, c.booking), datetime.now(timezone.utc))
            c.public_id = attempt.public_id
            if attempt.device_hash is not None:
                released += 1
                sitting.release(attempt, None, "bench: first page cut off")
            db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return {"admitted_or_found": len(rest), "device_released": released}


def meter(server: Gunicorn, args):
    """CPU seconds so far: the server's, the database's (PostgreSQL backends of our database), the machine's."""
    database = (lambda: postgres_cpu_seconds(args.pg_database)) if args.engine != "sqlite" else (lambda: 0.0)
    return lambda: {"server": server.cpu_seconds(), "database": database(), "machine": machine_busy_seconds()}


# -- one engine --------------------------------------------------------------------------------------------

async def exercise(people: list[Candidate], staff: Candidate, servers: dict, app, args) -> dict:
    started = time.perf_counter()
    await in_lanes([lambda c=c: c.sign_in("/account") for c in people], 16)
    await staff.sign_in("/staff/exam/sessions")
    out = {"sign_in_s": round(time.perf_counter() - started, 1)}
    say(f"{len(people)} candidates and staff signed in in {out['sign_in_s']} s; admitting them all at once")
    out["admission"] = await admit_all(staff, people, args.admission_timeout)
    say(f"admission: {out['admission']['started']} started, the last after {ms(out['admission']['last_start_s'])} s")
    if out["admission"]["started"] < len(people):
        # Not measured: the load runs need every candidate admitted. A restart drops the admissions still
        # queued in the server, then the rest are admitted in-process.
        servers["app"].stop()
        out["admitted_after_the_measurement"] = admit_rest(app, people)
        await asyncio.to_thread(servers["app"].start)
        say(f"admitted the other {out['admitted_after_the_measurement']} (not measured)")
    if not args.crash:
        for name, lanes, seconds in (("capacity", args.capacity_clients, args.capacity_seconds),
                                     ("candidates", None, args.duration)):
            out[name] = {}
            for target in ("bare", "app"):
                load_average = os.getloadavg()[0]
                out[name][target] = await answer(people, servers[target].port, seconds, args.think, lanes,
                                                 target == "bare", beat_every=args.heartbeat,
                                                 meter=meter(servers[target], args))
                out[name][target]["load_average_before"] = load_average
            say(f"{name} run: {out[name]['app']['save']['per_s']:.0f} saves/s beside "
                f"{out[name]['bare']['save']['per_s']:.0f} bare")
    if args.crash or not args.no_crash:
        out["crash"] = await crash_test(people, servers["app"], app, args)
        say(f"crash test: {out['crash']['saves']['found']} of {out['crash']['saves']['checked']} acknowledged "
            f"saves found")
    return out


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def run_engine(engine: str, args) -> dict:
    args.engine = engine
    (ROOT / "bench" / "results").mkdir(exist_ok=True)   # not in a fresh clone
    for kind in ("app", "bare"):
        (ROOT / "bench" / "results" / f"exam-{engine}-{kind}.log").unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="bench-exam-") as workdir, \
            database(engine, workdir, args.pg_database) as url:
        env = {k: v for k, v in os.environ.items() if not k.startswith("LMS_")}
        env.update(LMS_INSTANCE_PATH=workdir, LMS_DATABASE_URL=url)
        app = lms_app(workdir, SQLALCHEMY_DATABASE_URI=url, **FAST_PASSWORDS)
        started = time.perf_counter()
        rows = seed(app, args.candidates)
        say(f"{engine}: seeded {len(rows)} candidates in {time.perf_counter() - started:.0f} s")
        servers = {kind: Gunicorn(kind, env, args.workers, args.threads,
                                  ROOT / "bench" / "results" / f"exam-{engine}-{kind}.log") for kind in ("app", "bare")}
        try:
            for server in servers.values():
                server.start()
            people = [Candidate(row, servers["app"].port) for row in rows]
            staff = Candidate({"n": -1, "email": "staff@bench.test"}, servers["app"].port)
            return {"engine": engine, **asyncio.run(exercise(people, staff, servers, app, args))}
        finally:
            for server in servers.values():
                server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--candidates", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per server")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--capacity-clients", type=int, default=32, help="think-time-free clients, capacity run")
    parser.add_argument("--capacity-seconds", type=float, default=15)
    parser.add_argument("--duration", type=float, default=60, help="seconds of the every-candidate run")
    parser.add_argument("--think", type=float, default=75,
                        help="seconds between a candidate's questions (the exam's pace: 120 in 150 minutes)")
    parser.add_argument("--heartbeat", type=float, default=30,
                        help="seconds between a candidate's heartbeats (the policy's heartbeat_interval_seconds)")
    parser.add_argument("--admission-timeout", type=float, default=60,
                        help="seconds the admission run may take (the goal is 60)")
    parser.add_argument("--crash", action="store_true", help="only the crash test")
    parser.add_argument("--no-crash", action="store_true", help="skip the crash test")
    parser.add_argument("--crash-after", type=float, default=10, help="seconds of load before the kill")
    parser.add_argument("--resume-seconds", type=float, default=10)
    parser.add_argument("--pg-database", default="bench_exam")
    parser.add_argument("--profile", action="store_true", help="only: where an admission's and a save's time goes")
    args = parser.parse_args()
    if args.profile:
        return run_profile(seed, lms_app, FAST_PASSWORDS, PASSWORD)
    random.seed(1)
    results = [run_engine(engine, args) for engine in args.engines.split(",")]
    report(results, args)
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    name = "exam-crash-latest.json" if args.crash else "exam-latest.json"
    (out / name).write_text(json.dumps({"args": vars(args), "cores": os.cpu_count(), "goals": GOALS,
                                        "results": results}, indent=2, default=str))


if __name__ == "__main__":
    main()
