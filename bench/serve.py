"""Serve one application for the benchmarks.

    python bench/serve.py app|bare PORT INSTANCE_DIR      # Werkzeug's threaded server (bench/run.py)
    Gunicorn("app", env, workers, threads, log).start()   # gunicorn (bench/exam.py): serve:wsgi("app"),
                                                          # LMS_INSTANCE_PATH, LMS_DATABASE_URL from env

Both applications are served the same way in a run, so the only difference the benchmark sees
is the work the application does.
"""
from __future__ import annotations

import logging
import os
import sys


def bare_app():
    from flask import Flask, request

    app = Flask("bare")

    @app.route("/", methods=["GET", "POST"])
    def index():
        request.get_data()
        return "ok"

    return app


# Bench-only settings, passed to create_app here and never in lms/config.py: the benchmark signs in
# a thousand candidates and is not about password hashing or login throttling.
BENCH_OVERRIDES = {"DEMO_MODE": True, "LOGIN_LIMIT_PER_ACCOUNT": "100000 per minute",
                   "LOGIN_LIMIT_PER_IP": "100000 per minute"}
FAST_PASSWORDS = {"PASSWORD_HASH_TIME_COST": 1, "PASSWORD_HASH_MEMORY_COST": 1024}


def lms_app(instance: str, **overrides):
    os.environ["LMS_INSTANCE_PATH"] = instance
    from lms import create_app

    return create_app({**BENCH_OVERRIDES, **overrides})


def wsgi(kind: str):
    """gunicorn's entry point: the bare app, or the platform with cheap password hashing."""
    if kind == "bare":
        return bare_app()
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    return lms_app(os.environ["LMS_INSTANCE_PATH"], **FAST_PASSWORDS)


class Gunicorn:
    """``kind`` served by gunicorn (gthread workers) in a process group of its own, so that a crash test can
    kill the master and every worker at once; stderr (tracebacks of any 500) goes to ``log``."""

    def __init__(self, kind: str, env: dict, workers: int, threads: int, log):
        from run import free_port

        self.kind, self.env, self.workers, self.threads, self.log = kind, env, workers, threads, log
        self.port, self.proc = free_port(), None

    def start(self) -> Gunicorn:
        import subprocess
        import time

        from run import ROOT, request

        command = [sys.executable, "-m", "gunicorn", "--pythonpath", str(ROOT / "bench"),
                   "--bind", f"127.0.0.1:{self.port}", "--worker-class", "gthread", "--workers", str(self.workers),
                   "--threads", str(self.threads), "--keep-alive", "75", "--worker-connections", "2000",
                   "--backlog", "2048", "--timeout", "300", "--log-level", "warning", f'serve:wsgi("{self.kind}")']
        with open(self.log, "a") as stderr:
            self.proc = subprocess.Popen(command, cwd=ROOT, env=self.env, stderr=stderr, start_new_session=True)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                if request(self.port, "/healthz" if self.kind == "app" else "/")[0].status == 200:
                    return self
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn ({self.kind}) did not start; see {self.log}")

    def cpu_seconds(self) -> float:
        """CPU time of the master and its workers (with workers that have exited), from /proc."""
        try:
            children = open(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read().split()
        except OSError:
            return 0.0
        return sum(process_cpu_seconds(int(pid), pid == str(self.proc.pid)) for pid in [str(self.proc.pid), *children])

    def crash(self) -> None:
        import signal

        os.killpg(self.proc.pid, signal.SIGKILL)   # the group this object started, by its id
        self.proc.wait()

    def stop(self) -> None:
        import signal
        import subprocess

        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.crash()


def process_cpu_seconds(pid: int, with_children: bool = False) -> float:
    try:
        fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return sum(int(f) for f in fields[11:15 if with_children else 13]) / os.sysconf("SC_CLK_TCK")


def machine_busy_seconds() -> float:
    """CPU time every process on the machine used (ours, the database's, anyone else's), from /proc/stat."""
    ticks = [int(v) for v in open("/proc/stat").readline().split()[1:9]]
    return (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")


def postgres_cpu_seconds(database: str) -> float:
    """CPU time of the PostgreSQL backends serving ``database`` (their titles name it), from /proc."""
    total = 0.0
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                title = open(f"/proc/{entry}/cmdline", "rb").read().decode(errors="replace")
            except OSError:
                continue
            if title.startswith("postgres: ") and f" {database} " in title:
                total += process_cpu_seconds(int(entry))
    return total


if __name__ == "__main__":
    from werkzeug.serving import make_server

    kind, port, instance = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    app = bare_app() if kind == "bare" else lms_app(instance)
    make_server("127.0.0.1", port, app, threaded=True).serve_forever()
