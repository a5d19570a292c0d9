"""What bench/exam.py measured, as Markdown tables; and where the time of an admission and of a save goes."""
from __future__ import annotations

import os
import re
import sys
import tempfile
import time
from datetime import datetime, timezone

GOALS = {"ratio": 0.35, "p95_ms": 50, "admission_s": 60}


def profile(app, rows: list[dict], password: str, count: int = 30) -> None:
    """Admissions and requests timed in-process on ``app`` (seeded with 2 x ``count`` + 1 candidates)."""
    import cProfile
    import pstats

    from sqlalchemy import event

    import lms.exam.sitting as sitting
    from lms.exam.models import Booking
    from lms.extensions import db
    from lms.itembank.store import forget_built_bank

    statements = [0]
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", lambda *_a, **_k: statements.__setitem__(0, statements[0] + 1))

        def admit(batch) -> float:
            started = time.perf_counter()
            for row in batch:
                sitting.admit(db.session.get(Booking, row["booking"]), datetime.now(timezone.utc))
                db.session.commit()
            return (time.perf_counter() - started) / len(batch) * 1000

        as_is = admit(rows[1:count + 1])
        started = time.perf_counter()
        for _ in range(5):
            forget_built_bank()   # what every admission and home page paid before the bank was kept per process
            sitting.working_bank(sitting.shipped_blueprint())
        cold_ms = (time.perf_counter() - started) * 200
        profiler = cProfile.Profile()
        profiler.runcall(admit, rows[count + 1:2 * count + 1])
        attempt = sitting.admit(db.session.get(Booking, rows[0]["booking"]), datetime.now(timezone.utc))
        db.session.commit()
        public_id = attempt.public_id

    client = app.test_client()
    token = re.compile(r'name="csrf-token" content="([^"]+)"')
    page = client.get("/login").get_data(as_text=True)
    client.post("/login", data={"csrf_token": token.search(page).group(1), "email": rows[0]["email"],
                                "password": password})
    headers = {"X-CSRFToken": token.search(client.get("/account").get_data(as_text=True)).group(1),
               "Accept": "application/json"}
    base = f"/api/v1/attempts/{public_id}"
    option = client.get(f"{base}/items/1", headers=headers).json["options"][0]["id"]
    seq = iter(range(1, 10**6))
    requests = [
        ("GET /healthz (database ping)", lambda: client.get("/healthz")),
        ("GET /api/v1/me", lambda: client.get("/api/v1/me", headers=headers)),
        ("GET item (exam API)", lambda: client.get(f"{base}/items/1", headers=headers)),
        ("POST answer (exam API, save)", lambda: client.post(f"{base}/answers", headers=headers,
                                                             json={"position": 1, "answer": option, "seq": next(seq)})),
        ("POST heartbeat (exam API)", lambda: client.post(f"{base}/heartbeat", headers=headers, json={})),
        ("GET /exam/ (candidate home)", lambda: client.get("/exam/")),
    ]
    timings = []
    for label, call in requests:
        assert call().status_code == 200, label
        statements[0], started = 0, time.perf_counter()
        for _ in range(20):
            call()
        timings.append((label, (time.perf_counter() - started) / 20 * 1000, statements[0] / 20))
    print(f"\nWhere the time goes, in one process, {os.cpu_count()} cores shared with the rest of the machine "
          "(load average {:.1f}):\n".format(os.getloadavg()[0]))
    print("| admission (sitting.admit, SQLite) | ms each |\n|---|---:|")
    print(f"| as it is | {as_is:.0f} |\n| the working bank built from the database (cold; kept per process while "
          f"unchanged) | {cold_ms:.0f} |\n")
    print("| request (Flask test client, no network) | ms each | SQL statements |\n|---|---:|---:|")
    for label, each, count_sql in timings:
        print(f"| {label} | {each:.1f} | {count_sql:.0f} |")
    print("\nProfile of sitting.admit (cumulative, lms/ only):")
    pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats(r"lms/", 12)


def run_profile(seed, lms_app, fast_passwords: dict, password: str, count: int = 30) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-exam-") as workdir:
        app = lms_app(workdir, SQLALCHEMY_DATABASE_URI=f"sqlite:///{workdir}/lms.db", **fast_passwords)
        profile(app, seed(app, 2 * count + 1), password, count)


# -- the tables ------------------------------------------------------------------------------------------

def ms(value) -> str:
    return "-" if value is None or value != value else f"{value:.1f}"


def _errors(run: dict) -> int:
    return sum(v["errors"] for v in run.values() if isinstance(v, dict) and "errors" in v)


def load_table(results: list[dict]) -> None:
    print("| engine | run | target | saves/s | save p50 ms | save p95 ms | save p99 ms | item p95 ms | "
          "heartbeat p95 ms | requests/s | errors | server CPU ms per request | database CPU ms per request | "
          "load generator (cores) | other processes (cores) |")
    print("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        for run in ("capacity", "candidates"):
            for target in ("bare", "app") if run in r else ():
                x = r[run][target]
                s, cpu = x.get("save", {}), x["cpu_cores"]
                rps = sum(x[k]["per_s"] for k in ("item", "save", "heartbeat") if k in x)
                label = f"{x['clients']} clients, no think time" if run == "capacity" else \
                    f"{x['clients']} candidates, a question every {x['think_s']:g} s, heartbeat every " \
                    f"{x['heartbeat_s']:g} s"
                per_request = lambda cores: ms(cores / rps * 1000 if rps else None)  # noqa: E731
                print(f"| {r['engine']} | {label} | {'bare Flask' if target == 'bare' else 'exam API'} | "
                      f"{s.get('per_s', 0):.0f} | {ms(s.get('p50_ms'))} | {ms(s.get('p95_ms'))} | "
                      f"{ms(s.get('p99_ms'))} | {ms(x.get('item', {}).get('p95_ms'))} | "
                      f"{ms(x.get('heartbeat', {}).get('p95_ms'))} | {rps:.0f} | {_errors(x)} | "
                      f"{per_request(cpu['server'])} | {per_request(cpu['database']) if cpu['database'] else '-'} | "
                      f"{x['generator_cpu_cores']:.2f} | "
                      f"{cpu['machine'] - cpu['server'] - cpu['database'] - x['generator_cpu_cores']:.2f} |")


def goals_table(results: list[dict], candidates: int) -> None:
    print("\n| engine | goal | measured | met |\n|---|---|---|---|")
    for r in results:
        rows = []
        if "capacity" in r:
            ratio = r["capacity"]["app"]["save"]["per_s"] / r["capacity"]["bare"]["save"]["per_s"]
            rows.append((f"saves/s >= {GOALS['ratio']} x bare (same requests, same clients)", f"{ratio:.3f}",
                         ratio >= GOALS["ratio"]))
            p95 = r["candidates"]["app"]["save"]["p95_ms"]
            rows.append((f"save p95 <= {GOALS['p95_ms']} ms, {candidates} candidates", f"{p95:.1f} ms",
                         p95 <= GOALS["p95_ms"]))
            errors = _errors(r["capacity"]["app"]) + _errors(r["candidates"]["app"])
            rows.append(("zero errors (exam API, both runs)", str(errors), errors == 0))
        a = r["admission"]
        rows.append((f"{a['candidates']} admitted at once all start <= {GOALS['admission_s']} s",
                     f"{a['started']} started, the last after {ms(a['last_start_s'])} s "
                     f"(cut off at {a['timeout_s']:g} s)",
                     a["all_started_s"] is not None and a["all_started_s"] <= GOALS["admission_s"]))
        if "crash" in r:
            c, s = r["crash"], r["crash"]["saves"]
            rows.append(("crash: every acknowledged save in the database",
                         f"{s['found']} of {s['checked']} found, {s['missing'] + s['wrong']} missing or wrong",
                         s["missing"] == s["wrong"] == s["last_seq_behind"] == 0 and s["checked"] > 0))
            rows.append((f"crash: remaining time within {c['clocks']['tolerance_s']:g} s of the server clock",
                         f"{c['clocks']['checked']} checked, max deviation {c['clocks']['max_deviation_s']} s",
                         c["clocks"]["beyond_tolerance"] == 0 and c["clocks"]["checked"] > 0))
        for goal, measured, met in rows:
            print(f"| {r['engine']} | {goal} | {measured} | {'yes' if met else '**no**'} |")


def admission_table(results: list[dict]) -> None:
    print("\n| engine | admitted at once | started | last start s | median start s | staff admit p50 / p95 ms | "
          "home p95 ms | sitting page p95 ms | errors |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        a, q = r["admission"], r["admission"]["requests"]
        get = lambda kind, field: q.get(kind, {}).get(field)  # noqa: E731
        print(f"| {r['engine']} | {a['candidates']} | {a['started']} | {ms(a['last_start_s'])} | "
              f"{ms(a['p50_start_s'])} | {ms(get('staff admit (POST)', 'p50_ms'))} / "
              f"{ms(get('staff admit (POST)', 'p95_ms'))} | {ms(get('candidate home /exam/', 'p95_ms'))} | "
              f"{ms(get('sitting page (first item)', 'p95_ms'))} | {_errors(q)} |")


def crash_table(results: list[dict]) -> None:
    print("\n| engine | killed after s | restart s | saves unanswered at the kill | acknowledged saves | found | "
          "missing or wrong | unanswered but committed | clocks checked | max clock deviation s | "
          "after restart: saves/s, errors | all acknowledged saves found at the end |"
          "\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for r in results:
        if "crash" in r:
            c, s, end, resumed = r["crash"], r["crash"]["saves"], r["crash"]["saves_after_resume"], r["crash"]["resumed"]
            print(f"| {r['engine']} | {c['killed_after_s']:g} | {c['restart_s']} | {c['unanswered_at_kill']} | "
                  f"{s['checked']} | {s['found']} | {s['missing'] + s['wrong']} | {s['in_flight_committed']} | "
                  f"{c['clocks']['checked']} | {c['clocks']['max_deviation_s']} | "
                  f"{resumed.get('save', {}).get('per_s', 0):.0f}, {_errors(resumed)} | "
                  f"{end['found']} of {end['checked']} |")


def report(results: list[dict], args) -> None:
    print(f"\n{args.candidates} candidates; each server gunicorn gthread, {args.workers} workers x {args.threads} "
          f"threads; {os.cpu_count()} cores shared by the servers, the database, the load generator and anything "
          "else running on the machine\n")
    load_table(results)
    goals_table(results, args.candidates)
    admission_table(results)
    crash_table(results)
