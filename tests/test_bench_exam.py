"""The exam benchmark's own parts (bench/exam*.py), cheaply: its HTTP client against a real local server, and the
crash test's check that every acknowledged save is in the database. The benchmark itself runs with `make bench-exam`."""
from __future__ import annotations

import asyncio
import sys
import threading
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

exam = pytest.importorskip("exam")
from exam_clients import Candidate, Http, Recorder, percentile  # noqa: E402

from lms.itembank.delivery import shuffled_options  # noqa: E402


@pytest.fixture
def bare_server():
    from werkzeug.serving import make_server

    from serve import bare_app

    app = bare_app()

    @app.route("/cookie")
    def cookie():
        from flask import make_response

        response = make_response("set")
        response.set_cookie("device", "abc")
        return response

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_port
    server.shutdown()


def test_the_bench_client_keeps_cookies_and_records_answers_and_errors(bare_server):
    async def run():
        http, cookies, rec = Http(bare_server), {}, Recorder(timeout=5)
        assert (await rec.timed("get", http, "GET", "/cookie", cookies=cookies)).body == b"set"
        assert cookies == {"device": "abc"}
        reply = await rec.timed("post", http, "POST", "/", b'{"seq": 1}', {"Content-Type": "application/json"},
                                cookies)
        assert reply.status == 200 and reply.body == b"ok"
        assert await rec.timed("missing", http, "GET", "/nowhere") is None    # 404: an error, not an answer
        http.close()
        assert (await rec.timed("get", http, "GET", "/")).body == b"ok"      # a closed connection is reopened
        return rec.report(1.0)

    report = asyncio.run(run())
    assert report["get"]["answers"] == 2 and report["get"]["errors"] == 0
    assert report["missing"]["errors"] == 1 and report["missing"]["error_kinds"] == {"404": 1}


def test_percentiles_are_nearest_rank_in_milliseconds():
    ordered = [i / 1000 for i in range(1, 101)]
    assert percentile(ordered, 0.5) == pytest.approx(50)
    assert percentile(ordered, 0.95) == pytest.approx(95)
    assert percentile(ordered, 1) == pytest.approx(100)


def test_the_crash_check_finds_acknowledged_saves_and_flags_lost_ones():
    secret, public_id, item = b"s", "a" * 32, "C01-001"
    options = ["A", "B", "C", "D"]
    opaque = {oid: tag for tag, oid in shuffled_options(secret, public_id, item, options)}
    candidate = Candidate({"n": 0, "email": "c@bench.test"}, port=1)
    candidate.public_id, candidate.acks = public_id, 4
    candidate.acked = {1: (1, opaque["A"]), 2: (2, opaque["B"]), 3: (3, opaque["C"]), 4: (4, opaque["D"])}
    candidate.unacked = [(2, 5, opaque["C"])]       # sent just before the crash, never answered
    stored = {"secret": secret, "options": {(item, 1): {"en": options}}, "attempts": {public_id: {
        "form": [{"item": item, "version": 1}] * 4, "language": "en", "last_seq": 5,
        "answers": {0: ("A", 1), 1: ("C", 5), 2: ("A", 3)}}}}    # 2: superseded by the unanswered save; 3: wrong; 4: lost

    result = exam.check_saves([candidate], stored)

    assert result == {"acknowledged": 4, "checked": 4, "found": 2, "missing": 1, "wrong": 1, "in_flight_committed": 1,
                      "last_seq_behind": 0}
