"""Load benchmark of citizen feedback: report submissions and reads of the public list, at once.

Run from the repository root on a PostgreSQL database of its own (built on first use: the
demo's units and a year of demo feedback):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_feedback .venv/bin/python bench/feedback.py
    ... bench/feedback.py --submitters 200 --readers 500 --seconds 60 --port 8871

What runs:

* a server in a separate process on a free port: Django's WSGI application behind a small
  standard-library HTTP server that hands connections to a fixed pool of worker threads
  (``--workers``, default 24), so PostgreSQL sees at most that many connections whatever the
  number of clients; requests wait in the pool's queue, as they would behind gunicorn;
* ``--submitters`` client threads POST reports for ``--seconds`` through Open311
  (``/open311/v2/requests.json``, form-encoded, the specification's fields, an API key with a
  high hourly limit — the anonymous web form is limited to 5 reports an hour per IP address by
  design), each as fast as the server answers;
* ``--readers`` client threads GET the public list of answered cases (``/feedback/``, page 1 to
  5) for the same time;
* ``--yardstick`` client threads GET a static file of the same server
  (``/static/feedback/feedback.css``, WhiteNoise) for the same time: the yardstick, measured in
  the same run under the same load.

Checked: no error (every response 200/201, no exception or time-out) and no lost case (every
returned ``service_request_id`` is in the database, and the database gained exactly as many
cases as were acknowledged). Reported: requests, throughput, median and p95 per kind, p95 as a
multiple of the yardstick's p95, and the same for a short unloaded sequential pass (service
time without queueing). Results go to docs/benchmarks.md ("Citizen feedback").
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
os.environ.setdefault("DJANGO_DEBUG", "false")

STATIC = "/static/feedback/feedback.css"
SUBMIT = "/open311/v2/requests.json"
LIST = "/feedback/"


def say(text: str) -> None:
    print(text, flush=True)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


# The server ----------------------------------------------------------------------------------


class PooledWSGIServer(ThreadingMixIn, WSGIServer):
    """A WSGI server whose requests run on a fixed pool of threads (bounded DB connections)."""

    request_queue_size = 2048
    daemon_threads = True
    pool: ThreadPoolExecutor

    def process_request(self, request, client_address):  # type: ignore[no-untyped-def]
        self.pool.submit(self.process_request_thread, request, client_address)


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def serve(port: int, workers: int) -> None:
    import django

    django.setup()
    from django.core.wsgi import get_wsgi_application

    PooledWSGIServer.pool = ThreadPoolExecutor(max_workers=workers)
    server = make_server("127.0.0.1", port, get_wsgi_application(), PooledWSGIServer, QuietHandler)
    server.serve_forever()


# Set-up ----------------------------------------------------------------------------------------


def setup() -> tuple[str, str]:
    """The bench data (built once) and an API key; returns (key, category code)."""
    import django

    django.setup()
    import numpy as np
    from django.core.management import call_command
    from django.db import connection, transaction

    from govindex.demo.feedback import create_feedback_demo
    from govindex.demo.units import create_units
    from govindex.feedback.models import FeedbackCase, FeedbackCategory
    from govindex.feedback.services import api_key_create

    if connection.vendor != "postgresql":
        sys.exit(
            "Run on PostgreSQL: DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_feedback"
        )
    call_command("migrate", interactive=False, verbosity=0)
    if not FeedbackCategory.objects.exists():
        started = time.monotonic()
        with transaction.atomic():
            create_units()
            create_feedback_demo(rng=np.random.default_rng(2025), progress=say)
        say(f"bench data built in {time.monotonic() - started:.1f} s")
    _key, raw = api_key_create(name="bench", actor="system:bench", per_hour=10_000_000)
    say(f"database: {FeedbackCase.objects.count()} cases before the run")
    return raw, "sidewalk"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# Clients ---------------------------------------------------------------------------------------


class Results:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, list[str]] = defaultdict(list)
        self.codes: list[str] = []

    def ok(self, kind: str, seconds: float) -> None:
        with self.lock:
            self.times[kind].append(seconds)

    def error(self, kind: str, message: str) -> None:
        with self.lock:
            self.errors[kind].append(message)


def submit_once(base: str, key: str, category: str, results: Results, n: int, count: int) -> None:
    data = urllib.parse.urlencode(
        {
            "api_key": key,
            "jurisdiction_id": "hanoi.gov.vn",
            "service_code": category,
            "lat": f"{21.02 + (n % 50) * 0.0004:.5f}",
            "long": f"{105.84 + (count % 50) * 0.0004:.5f}",
            "address_string": f"Số {count} Hàng Bông, Hoàn Kiếm",
            "description": f"Bench report {n}-{count}: xe máy đỗ kín vỉa hè.",
            "device_id": f"bench-{n}",
        }
    ).encode()
    started = time.monotonic()
    try:
        with urllib.request.urlopen(base + SUBMIT, data=data, timeout=300) as response:
            body = response.read()
            status = response.status
    except (urllib.error.URLError, OSError) as exc:
        results.error("submit", repr(exc))
        return
    if status != 201:
        results.error("submit", f"HTTP {status}")
        return
    results.ok("submit", time.monotonic() - started)
    code = json.loads(body)[0]["service_request_id"]
    with results.lock:
        results.codes.append(code)


def get_once(base: str, path: str, kind: str, results: Results, page: int) -> None:
    url = base + path + (f"?page={page}" if kind == "list" else "")
    started = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=300) as response:
            response.read()
            status = response.status
    except (urllib.error.URLError, OSError) as exc:
        results.error(kind, repr(exc))
        return
    if status != 200:
        results.error(kind, f"HTTP {status}")
        return
    results.ok(kind, time.monotonic() - started)


def submitter(base: str, key: str, category: str, until: float, results: Results, n: int) -> None:
    count = 0
    while time.monotonic() < until:
        count += 1
        submit_once(base, key, category, results, n, count)


def reader(base: str, path: str, kind: str, until: float, results: Results, n: int) -> None:
    count = 0
    while time.monotonic() < until:
        count += 1
        get_once(base, path, kind, results, 1 + (n + count) % 5)


def sequential(base: str, key: str, category: str, repeats: int) -> Results:
    """Unloaded: one request at a time, the three kinds interleaved (service time)."""
    results = Results()
    for n in range(repeats):
        get_once(base, STATIC, "static", results, 1)
        get_once(base, LIST, "list", results, 1 + n % 5)
        submit_once(base, key, category, results, 100_000 + n, n)
    if any(results.errors.values()):
        raise SystemExit(f"errors in the unloaded pass: {dict(results.errors)}")
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--submitters", type=int, default=200)
    parser.add_argument("--readers", type=int, default=500)
    parser.add_argument("--yardstick", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=24)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.port, args.workers)
        return
    say(
        f"{platform.node()} · {os.cpu_count()} CPUs · Python {platform.python_version()} · "
        f"{time.strftime('%Y-%m-%d %H:%M')}"
    )
    key, category = setup()
    from django.db import connection

    from govindex.feedback.models import FeedbackCase

    before = FeedbackCase.objects.count()
    connection.close()
    port = args.port or free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, __file__, "--serve", "--port", str(port), "--workers", str(args.workers)],
        env={**os.environ, "DJANGO_CONN_MAX_AGE": "600"},
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + STATIC, timeout=2).read()
                break
            except OSError:
                time.sleep(0.3)
        say(f"server pid {server.pid} on {base}, {args.workers} worker threads")
        warm = sequential(base, key, category, 20)
        unloaded = {kind: percentile(times, 0.95) for kind, times in warm.times.items()}
        say(
            "unloaded p95: "
            + ", ".join(f"{kind} {seconds * 1000:.0f} ms" for kind, seconds in unloaded.items())
        )
        results = Results()
        until = time.monotonic() + args.seconds
        threads = [
            threading.Thread(target=submitter, args=(base, key, category, until, results, n))
            for n in range(args.submitters)
        ]
        threads += [
            threading.Thread(target=reader, args=(base, LIST, "list", until, results, n))
            for n in range(args.readers)
        ]
        threads += [
            threading.Thread(target=reader, args=(base, STATIC, "static", until, results, n))
            for n in range(args.yardstick)
        ]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.monotonic() - started
    finally:
        server.terminate()
        server.wait(30)
    stored = set(
        FeedbackCase.objects.filter(tracking_code__in=results.codes).values_list(
            "tracking_code", flat=True
        )
    )
    after = FeedbackCase.objects.count()
    lost = len(results.codes) - len(stored)
    gained = after - before - len(warm.codes)
    say(f"\n{len(threads)} clients for {wall:.1f} s:")
    for kind in ("submit", "list", "static"):
        times = results.times[kind]
        if not times:
            say(f"  {kind}: no successful request")
            continue
        say(
            f"  {kind}: {len(times)} ok, {len(results.errors[kind])} errors, "
            f"{len(times) / wall:.1f} req/s, median {statistics.median(times) * 1000:.0f} ms, "
            f"p95 {percentile(times, 0.95) * 1000:.0f} ms"
        )
    yard = percentile(results.times["static"], 0.95) if results.times["static"] else float("nan")
    for kind in ("submit", "list"):
        if results.times[kind]:
            loaded = percentile(results.times[kind], 0.95)
            say(
                f"  p95 {kind} / p95 static under load: {loaded / yard:.2f}×; "
                f"unloaded: {unloaded[kind] / unloaded['static']:.1f}×"
            )
    say(
        f"  cases acknowledged {len(results.codes)}, found {len(stored)}, lost {lost}; "
        f"database gained {gained} (expected {len(results.codes)})"
    )
    errors = sum(len(messages) for messages in results.errors.values())
    for kind, messages in results.errors.items():
        for message in sorted(set(messages))[:5]:
            say(f"  error ({kind}): {message}")
    ok = errors == 0 and lost == 0 and gained == len(results.codes)
    say("RESULT: " + ("no error, no lost case" if ok else "FAILED"))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
