"""Request throughput and latency of the platform's pages, beside a bare Flask endpoint.

    make bench            # or: .venv/bin/python bench/run.py --requests 1000 --concurrency 4

Each scenario is measured against the same baseline in the same run (these machines are
noisy): a bare Flask "ok" served the same way. Results print as a Markdown table and are
saved to bench/results/latest.json.
"""
from __future__ import annotations

import argparse
import http.client
import json
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(kind: str, instance: str) -> tuple[subprocess.Popen, int]:
    port = free_port()
    proc = subprocess.Popen([PYTHON, str(ROOT / "bench" / "serve.py"), kind, str(port), instance], cwd=ROOT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc, port
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError(f"{kind} server did not start")


def request(port: int, path: str, cookie: str | None = None, method: str = "GET", body: str | None = None,
            headers: dict | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    all_headers = dict(headers or {})
    if cookie:
        all_headers["Cookie"] = cookie
    conn.request(method, path, body=body, headers=all_headers)
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response, data


def sign_in(port: int, email: str, password: str) -> str:
    response, page = request(port, "/login")
    cookie = response.getheader("Set-Cookie").split(";")[0]
    token = re.search(rb'name="csrf-token" content="([^"]+)"', page).group(1).decode()
    from urllib.parse import urlencode

    body = urlencode({"csrf_token": token, "email": email, "password": password})
    response, _ = request(port, "/login", cookie, "POST", body, {"Content-Type": "application/x-www-form-urlencoded"})
    assert response.status == 302, response.status
    cookie = response.getheader("Set-Cookie").split(";")[0]
    # The first page after signing in stores a CSRF token in the session: keep that cookie.
    response, _ = request(port, "/account", cookie)
    return (response.getheader("Set-Cookie") or cookie).split(";")[0]


def measure(port: int, path: str, cookie: str | None, total: int, concurrency: int, beat_token: str | None = None) -> dict:
    """GET ``path``; or, with ``beat_token`` (a CSRF token), POST heartbeats to it, one page per client."""
    sequence = iter(range(1, 10**9))
    lock_seq = threading.Lock()

    def call(page: str):
        if beat_token is None:
            return request(port, path, cookie)
        with lock_seq:
            n = next(sequence)
        body = json.dumps({"page": page, "sequence": n, "active": True})
        return request(port, path, cookie, "POST", body,
                       {"Content-Type": "application/json", "X-CSRFToken": beat_token, "Accept": "application/json"})

    for _ in range(min(50, total)):
        call("warm-up")
    latencies: list[float] = []
    lock = threading.Lock()
    errors = []

    def worker(count: int):
        mine = []
        page = f"client-{threading.get_ident()}"
        for _ in range(count):
            started = time.perf_counter()
            response, _ = call(page)
            mine.append(time.perf_counter() - started)
            if response.status != 200:
                errors.append(response.status)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker, args=(total // concurrency,)) for _ in range(concurrency)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise RuntimeError(f"{path}: {len(errors)} non-200 answers, e.g. {errors[0]}")
    latencies.sort()
    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50_ms": statistics.median(latencies) * 1000,
        "p95_ms": latencies[int(len(latencies) * 0.95) - 1] * 1000,
    }


SCENARIOS = [
    ("health check (database ping)", "/healthz", None),
    ("sign-in page (anonymous render)", "/login", None),
    ("trainee dashboard (signed in)", "/trainee/", "trainee@example.org"),
    ("staff dashboard (signed in, audit query)", "/admin/", "admin@example.org"),
    ("JSON: /api/v1/me (signed in)", "/api/v1/me", "trainee@example.org"),
    ("lesson page (1,200-word lesson, signed in)", "LESSON", "trainee@example.org"),
    ("seat-time heartbeat (JSON POST, row lock, ledger)", "HEARTBEAT", "trainee@example.org"),
    ("proctor console JSON (200 seats, 100 sitting)", "CONSOLE", "proctor@example.org"),
]

SEATS = 200


def fill_session(instance: str) -> str:
    """Seat 200 candidates in the demo proctor's session, check them in and admit half; the console's URL."""
    from datetime import datetime, timezone

    from serve import lms_app
    from sqlalchemy import select

    from lms.accounts.models import RoleGrant, User
    from lms.candidates.models import Application
    from lms.core.roles import Role
    from lms.exam.models import Booking, ExamSession
    from lms.exam.sitting import admit
    from lms.extensions import db

    app = lms_app(instance)
    with app.app_context():
        session = db.session.scalars(select(ExamSession).order_by(ExamSession.id)).first()
        session.capacity = SEATS
        at = datetime.now(timezone.utc)
        for n in range(SEATS):
            user = User(email=f"seat{n}@bench.test", name=f"Seat {n:03d}", locale="en", password_hash=None)
            user.grants.append(RoleGrant(role=Role.TRAINEE))
            application = Application(user=user, status="approved", legal_name=user.name, education="diploma",
                                      lived_experience="consumer", willing_to_share=True, dedication="Bench.",
                                      training_source="platform", ethics_version="2024-1", ethics_signature=user.name,
                                      ethics_signed_at=at, submitted_at=at, decided_at=at, window_opens_at=at)
            booking = Booking(session=session, user=user, language=session.languages[0], status="booked",
                              booked_at=at, application=application, checkin="present", checked_in_at=at)
            db.session.add_all([user, application, booking])
            db.session.flush()
            if n % 2:
                admit(booking, at)
        db.session.commit()
        return f"/api/v1/proctor/sessions/{session.id}/console"



def enrol_in_core(port: int, cookie: str) -> tuple[str, str, str]:
    """Enrol the demo trainee in the core course; return its first lesson's URL, heartbeat URL and a CSRF token."""
    from urllib.parse import urlencode

    _, page = request(port, "/courses", cookie)
    offering = re.search(rb'href="/courses/(\d+)">Peer Support Specialist Core Training<', page).group(1).decode()
    _, page = request(port, f"/courses/{offering}", cookie)
    token = re.search(rb'name="csrf-token" content="([^"]+)"', page).group(1).decode()
    response, _ = request(port, f"/courses/{offering}/enrol", cookie, "POST", urlencode({"csrf_token": token}),
                          {"Content-Type": "application/x-www-form-urlencoded"})
    home = response.getheader("Location")
    _, page = request(port, home, cookie)
    lesson = re.search(rb'href="(/learn/\d+/lessons/\d+)"', page).group(1).decode()
    enrollment_id, lesson_id = re.findall(r"\d+", lesson)
    return lesson, f"/api/v1/enrollments/{enrollment_id}/lessons/{lesson_id}/heartbeat", token


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as instance:
        env_cmd = [PYTHON, "-m", "flask", "--app", "wsgi"]
        env = {"LMS_INSTANCE_PATH": instance, "LMS_DEMO_MODE": "1", "PATH": "/usr/bin:/bin"}
        subprocess.run([*env_cmd, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
        subprocess.run([*env_cmd, "content", "load"], cwd=ROOT, env=env, check=True, capture_output=True)
        subprocess.run([*env_cmd, "bank", "load"], cwd=ROOT, env=env, check=True, capture_output=True)
        subprocess.run([*env_cmd, "demo", "seed"], cwd=ROOT, env=env, check=True, capture_output=True)
        bare, bare_port = start("bare", instance)
        app, app_port = start("app", instance)
        try:
            from lms.demo import DEMO_PASSWORD

            cookies = {email: sign_in(app_port, email, DEMO_PASSWORD)
                       for email in {s[2] for s in SCENARIOS if s[2]}}
            lesson, heartbeat, token = enrol_in_core(app_port, cookies["trainee@example.org"])
            console = fill_session(instance)
            rows = []
            for label, path, who in SCENARIOS:
                beat_token = token if path == "HEARTBEAT" else None
                path = {"LESSON": lesson, "HEARTBEAT": heartbeat, "CONSOLE": console}.get(path, path)
                baseline = measure(bare_port, "/", None, args.requests, args.concurrency)
                result = measure(app_port, path, cookies.get(who), args.requests, args.concurrency, beat_token)
                rows.append({"scenario": label, "path": path, "app": result, "baseline": baseline,
                             "relative_throughput": result["rps"] / baseline["rps"]})
        finally:
            for proc in (bare, app):
                proc.terminate()
                proc.wait()

    print(f"\n{args.requests} requests per scenario, {args.concurrency} concurrent clients, "
          "Werkzeug threaded server, SQLite (WAL)\n")
    print("| scenario | app req/s | app p50 ms | app p95 ms | bare Flask req/s | app / bare |")
    print("|---|---:|---:|---:|---:|---:|")
    for row in rows:
        a, b = row["app"], row["baseline"]
        print(f"| {row['scenario']} | {a['rps']:.0f} | {a['p50_ms']:.1f} | {a['p95_ms']:.1f} | "
              f"{b['rps']:.0f} | {row['relative_throughput']:.2f} |")
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "latest.json").write_text(json.dumps({"args": vars(args), "rows": rows}, indent=2))


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "bench"))
    main()
