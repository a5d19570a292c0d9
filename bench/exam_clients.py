"""Simulated candidates and staff for bench/exam.py: a small asyncio HTTP/1.1 client (keep-alive, cookies),
signing in, admission, and the answering loop.

asyncio rather than threads: one process drives 1,000 connections while leaving the two cores to the server
(the generator's own CPU is reported beside each run).
"""
from __future__ import annotations

import asyncio
import json
import math
import random
import re
import time
from collections import Counter, defaultdict
from typing import NamedTuple
from urllib.parse import urlencode

PASSWORD = "bench candidate password"
TOKEN = re.compile(rb'name="csrf-token" content="([^"]+)"')
ATTEMPT_LINK = re.compile(rb'href="/exam/attempts/([0-9a-f]{32})"')


class Reply(NamedTuple):
    status: int
    headers: dict
    body: bytes


class Http:
    """One keep-alive connection, as a browser keeps one; it reconnects when the server closed it while idle."""

    def __init__(self, port: int):
        self.port, self.reader, self.writer = port, None, None

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None

    async def call(self, method: str, path: str, body: bytes = b"", headers: dict | None = None,
                   cookies: dict | None = None) -> Reply:
        lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", f"Content-Length: {len(body)}"]
        lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
        if cookies:
            lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in cookies.items()))
        data = ("\r\n".join(lines) + "\r\n\r\n").encode() + body
        for retry in (False, True):
            reused = self.writer is not None
            if not reused:
                self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port, limit=2**20)
            try:
                self.writer.write(data)
                status = await self.reader.readline()
                if not status:
                    raise ConnectionResetError("connection closed before the answer")
                break
            except OSError:
                self.close()
                if not reused or retry:   # only an idle kept-alive connection is retried, once, on a new one
                    raise
        found, set_cookies = {}, []
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _sep, value = line.decode("latin-1").partition(":")
            found[name.strip().lower()] = value.strip()
            if name.strip().lower() == "set-cookie":
                set_cookies.append(value.strip())
        if "content-length" in found:
            content = await self.reader.readexactly(int(found["content-length"]))
        else:
            content = await self.reader.read()
            self.close()
        if found.get("connection", "").lower() == "close":
            self.close()
        if cookies is not None:
            for cookie in set_cookies:
                name, _sep, value = cookie.split(";")[0].partition("=")
                cookies[name.strip()] = value.strip()
        return Reply(int(status.split()[1]), found, content)


def percentile(ordered: list[float], p: float) -> float:
    return ordered[max(0, math.ceil(p * len(ordered)) - 1)] * 1000 if ordered else float("nan")


class Recorder:
    """Latency of every answer by kind of request, and every error (a status not expected, or no answer)."""

    def __init__(self, timeout: float = 120):
        self.timeout = timeout
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.saves: list[tuple[float, float]] = []   # (when it was sent, latency) of every answered save
        self.errors: dict[str, list] = defaultdict(list)
        self.examples: dict[str, str] = {}     # the first unexpected answer of each kind

    async def timed(self, kind: str, http: Http, method: str, path: str, body: bytes = b"", headers=None,
                    cookies=None, ok=(200,)) -> Reply | None:
        started = time.perf_counter()
        try:
            async with asyncio.timeout(self.timeout):
                reply = await http.call(method, path, body, headers, cookies)
        except (OSError, asyncio.IncompleteReadError, TimeoutError) as error:
            http.close()
            self.errors[kind].append(type(error).__name__)
            return None
        except asyncio.CancelledError:
            http.close()   # never leave half an answer on a connection that is used again
            raise
        self.latency[kind].append(time.perf_counter() - started)
        if kind == "save":
            self.saves.append((started, self.latency[kind][-1]))
        if reply.status not in ok:
            self.errors[kind].append(reply.status)
            self.examples.setdefault(kind, reply.body[:300].decode(errors="replace"))
            return None
        return reply

    def windows(self, seconds: float = 10) -> list[float]:
        """Save p95 (ms) in each ``seconds`` window of the run: a tail spread evenly, or bursts?"""
        if not self.saves:
            return []
        first, buckets = self.saves[0][0], defaultdict(list)
        for sent, latency in self.saves:
            buckets[int((sent - first) // seconds)].append(latency)
        return [round(percentile(sorted(buckets[n]), .95), 1) for n in range(max(buckets) + 1)]

    def report(self, elapsed: float) -> dict:
        out = {"save_p95_ms_by_10_s": self.windows()}
        for kind in sorted(set(self.latency) | set(self.errors)):
            ordered = sorted(self.latency[kind])
            out[kind] = {"answers": len(ordered), "per_s": len(ordered) / elapsed, "p50_ms": percentile(ordered, .5),
                         "p95_ms": percentile(ordered, .95), "p99_ms": percentile(ordered, .99),
                         "max_ms": percentile(ordered, 1), "errors": len(self.errors[kind]),
                         "error_kinds": dict(Counter(map(str, self.errors[kind])).most_common(3)),
                         "first_error": self.examples.get(kind)}
        return out


class Candidate:
    """A signed-in person with their own cookies (session, device) and connection."""

    def __init__(self, row: dict, port: int):
        self.n, self.email, self.booking, self.session = row["n"], row["email"], row.get("booking"), row.get("session")
        self.http, self.cookies = Http(port), {}
        self.public_id, self.token, self.seq, self.position, self.total, self.acks = None, None, 0, 1, 1, 0
        self.started = False
        self.acked: dict[int, tuple[int, str]] = {}       # position -> (seq, opaque option) of the last 2xx save
        self.unacked: list[tuple[int, int, str]] = []     # (position, seq, opaque) sent without a 2xx answer

    async def sign_in(self, landing: str) -> None:
        page = await self.http.call("GET", "/login", cookies=self.cookies)
        form = urlencode({"csrf_token": TOKEN.search(page.body).group(1).decode(), "email": self.email,
                          "password": PASSWORD}).encode()
        reply = await self.http.call("POST", "/login", form, FORM, self.cookies)
        assert reply.status == 302, f"sign-in of {self.email} answered {reply.status}"
        page = await self.http.call("GET", landing, cookies=self.cookies)   # stores a CSRF token in the session
        self.token = TOKEN.search(page.body).group(1).decode()

    def json_headers(self) -> dict:
        return {"X-CSRFToken": self.token, "Accept": "application/json", "Content-Type": "application/json"}

    async def cycle(self, rec: Recorder, http: Http, beat: bool = False) -> None:
        """Fetch the current question, answer it with the next seq (and a heartbeat if asked); move on."""
        base = f"/api/v1/attempts/{self.public_id}"
        item = await rec.timed("item", http, "GET", f"{base}/items/{self.position}",
                               headers={"Accept": "application/json"}, cookies=self.cookies)
        if item is None:
            return
        shown = json.loads(item.body)
        choice, self.total = random.choice(shown["options"])["id"], shown["total"]
        self.seq += 1
        sent = (self.position, self.seq, choice)
        self.unacked.append(sent)
        body = json.dumps({"position": self.position, "answer": choice, "flagged": self.seq % 7 == 0,
                           "seq": self.seq}).encode()
        saved = await rec.timed("save", http, "POST", f"{base}/answers", body, self.json_headers(), self.cookies)
        if saved is not None:
            self.unacked.remove(sent)
            self.acked[self.position] = (self.seq, choice)
            self.acks += 1
            if not json.loads(saved.body)["applied"]:
                rec.errors["save"].append("not applied")
        if beat:
            await self.heartbeat(rec, http)
        self.position = self.position % self.total + 1

    async def heartbeat(self, rec: Recorder, http: Http) -> None:
        await rec.timed("heartbeat", http, "POST", f"/api/v1/attempts/{self.public_id}/heartbeat", b"{}",
                        self.json_headers(), self.cookies)

    async def bare_cycle(self, rec: Recorder, http: Http, beat: bool = False) -> None:
        """The same requests (method, headers, cookies, body size) to the bare endpoint, which does no work."""
        if await rec.timed("item", http, "GET", "/", headers={"Accept": "application/json"},
                           cookies=self.cookies) is None:
            return
        body = json.dumps({"position": self.position, "answer": "0" * 16, "flagged": False, "seq": 1}).encode()
        await rec.timed("save", http, "POST", "/", body, self.json_headers(), self.cookies)
        if beat:
            await self.bare_heartbeat(rec, http)

    async def bare_heartbeat(self, rec: Recorder, http: Http) -> None:
        await rec.timed("heartbeat", http, "POST", "/", b"{}", self.json_headers(), self.cookies)


FORM = {"Content-Type": "application/x-www-form-urlencoded"}


async def in_lanes(jobs: list, lanes: int) -> None:
    """Run coroutine factories with at most ``lanes`` at a time."""
    queue = list(reversed(jobs))

    async def lane():
        while queue:
            await queue.pop()()

    await asyncio.gather(*(lane() for _ in range(lanes)))


async def admit_all(staff: Candidate, people: list[Candidate], timeout: float) -> dict:
    """Staff admit every booking at once (concurrent requests from one staff session); each candidate then
    opens their exam home page and the sitting page, which shows the first question."""
    rec, times = Recorder(timeout), {}
    started = time.perf_counter()
    form = urlencode({"csrf_token": staff.token}).encode()

    async def one(c: Candidate):
        conn = Http(staff.http.port)
        admitted = await rec.timed("staff admit (POST)", conn, "POST",
                                   f"/proctor/sessions/{c.session}/seats/{c.booking}/admit", form, FORM,
                                   dict(staff.cookies), ok=(302,))
        conn.close()
        if admitted is None:
            return
        home = await rec.timed("candidate home /exam/", c.http, "GET", "/exam/", cookies=c.cookies)
        link = home and ATTEMPT_LINK.search(home.body)
        if home and not link:
            rec.errors["candidate home /exam/"].append("no attempt link")
        if not link:
            return
        c.public_id = link.group(1).decode()
        first = await rec.timed("sitting page (first item)", c.http, "GET", f"/exam/attempts/{c.public_id}",
                                cookies=c.cookies)
        if first is not None:
            times[c.n] = time.perf_counter() - started
            c.started = True

    tasks = [asyncio.ensure_future(one(c)) for c in people]
    await asyncio.wait(tasks, timeout=timeout)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    elapsed = sorted(times.values())
    return {"candidates": len(people), "started": len(elapsed), "timeout_s": timeout,
            "all_started_s": elapsed[-1] if len(elapsed) == len(people) else None,
            "p50_start_s": elapsed[len(elapsed) // 2] if elapsed else None,
            "last_start_s": elapsed[-1] if elapsed else None,
            "requests": rec.report(time.perf_counter() - started)}


async def answer(people: list[Candidate], port: int, seconds: float, think: float, lanes: int | None,
                 bare: bool, stop: asyncio.Event | None = None, beat_every: float = 30, meter=None) -> dict:
    """Closed-loop load for ``seconds``. With ``lanes``: that many think-time-free clients taking the candidates
    in turn, a heartbeat after every tenth question. Without: every candidate on its own connection, a question
    every ``think`` seconds and a heartbeat every ``beat_every`` seconds unless a save was answered within that
    interval, as the exam page does.
    ``meter()`` returns CPU counters to report beside the answers."""
    rec, stop = Recorder(), stop or asyncio.Event()
    end = time.monotonic() + seconds
    running = lambda: time.monotonic() < end and not stop.is_set()  # noqa: E731
    cycle, beat = (Candidate.bare_cycle, Candidate.bare_heartbeat) if bare else (Candidate.cycle, Candidate.heartbeat)

    async def pause(seconds: float):
        try:
            await asyncio.wait_for(stop.wait(), min(seconds, max(0.0, end - time.monotonic())))
        except TimeoutError:
            pass

    async def candidate(c: Candidate, http: Http):
        now = time.monotonic()   # arrivals spread over one think time, heartbeats over one interval
        next_question, next_beat = now + random.uniform(0, think), now + random.uniform(0, beat_every)
        heard = now - beat_every
        while running():
            now = time.monotonic()
            if now >= next_beat:   # as the page does: no heartbeat within an interval of the last answer
                if now - heard >= beat_every - 1:
                    await beat(c, rec, http)
                    heard = time.monotonic()
                next_beat += beat_every
            elif now >= next_question:
                await cycle(c, rec, http)
                next_question = heard = time.monotonic()
                next_question += think
            else:
                await pause(min(next_question, next_beat) - now)

    async def lane(mine: list[Candidate], http: Http):
        turn = 0
        while running():
            for c in mine:
                if not running():
                    break
                turn += 1
                await cycle(c, rec, http, turn % 10 == 0)

    if lanes:
        conns = [Http(port) for _ in range(lanes)]
        jobs = [lane(people[i::lanes], conns[i]) for i in range(lanes)]
    else:
        conns = [Http(port) for _ in people] if bare else [c.http for c in people]
        jobs = [candidate(c, http) for c, http in zip(people, conns)]
    cpu, started, counters = time.process_time(), time.perf_counter(), meter() if meter else {}
    await asyncio.gather(*jobs)
    elapsed = time.perf_counter() - started
    used = {k: round((v - counters[k]) / elapsed, 2) for k, v in meter().items()} if meter else {}
    if lanes or bare:
        for http in conns:
            http.close()
    return {"clients": lanes or len(people), "think_s": 0 if lanes else think,
            "heartbeat_s": None if lanes else beat_every, "seconds": round(elapsed, 1),
            "generator_cpu_cores": round((time.process_time() - cpu) / elapsed, 2), "cpu_cores": used,
            **rec.report(elapsed)}
