"""Load test of the public real-time portal (issue 4, item 9): gunicorn + PostgreSQL + wrk.

Goal: the public ranking page and a unit page answer within 150 ms at p95 with 50 concurrent
clients. The yardstick, measured in the same run against the same gunicorn, is a vendored static
file (htmx, through WhiteNoise) under the same 50 clients.

    createdb -h 127.0.0.1 -U postgres bench_portal
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_portal \\
        .venv/bin/python bench/portal_load.py --rows 1500000

    ... --workers 2 --threads 8 --seconds 30 --clients 50   (the defaults)
    ... --feed-rate 20     # the demo's live feed runs meanwhile: counters change every second

What it does: migrates the database and, when it holds fewer than ``--rows`` dossiers, loads the
demo generator's dossiers (``dossiers_load_frame``, counters included); collects the static
files; starts gunicorn (``config.wsgi``, ``GOVINDEX_ENV=production``, ``--workers`` processes of
``--threads`` threads) on a free port; optionally the live feed (``govindex realtime feed``);
then, for ``--seconds`` each: (1) the yardstick, ``--clients`` connections on the static file;
(2) the pages, half of the connections on ``/realtime/`` and half on the unit page of the unit
with the most dossiers, at the same time. Clients are Debian's ``wrk`` (C, 2 threads), which
sends each connection's next request when the previous one is answered. A short sequential pass
first gives the unloaded service times. Non-2xx answers and socket errors are counted and
reported; any makes the run invalid.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from govindex.demo.dossiers import create_procedures, generate  # noqa: E402
from govindex.demo.units import create_units  # noqa: E402
from govindex.dossiers import selectors  # noqa: E402
from govindex.dossiers.models import Dossier, Procedure  # noqa: E402
from govindex.dossiers.services import city_calendar, dossiers_load_frame  # noqa: E402
from govindex.orgs.models import Unit, UnitKind  # noqa: E402

STATIC = "/static/vendor/htmx-2.0.11.min.js"
#: wrk prints one line per run: requests, duration (µs), socket errors, non-2xx/3xx answers,
#: latency p50 / p95 / p99 / max (µs), bytes.
WRK_REPORT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %d %d %d %d %d\\n", summary.requests,
    summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max,
    summary.bytes))
end
"""


def say(text: str) -> None:
    print(text, flush=True)


def prepare(rows: int, migrate: bool) -> str:
    """The database filled with at least ``rows`` dossiers; returns the unit page's unit code."""
    if migrate:
        call_command("migrate", verbosity=0)
    if not Unit.objects.filter(kind=UnitKind.WARD).exists():
        with transaction.atomic():
            units = create_units()
            create_procedures(units.departments)
    present = Dossier.objects.count()
    if present < rows:
        started = time.monotonic()
        frame = generate(
            seed=2025,
            units=list(Unit.objects.all()),
            communes=list(Procedure.objects.filter(level="commune").order_by("code")),
            provinces=list(Procedure.objects.filter(level="province").order_by("code")),
            calendar=city_calendar(),
            total=rows - present,
        )
        frame = frame.with_columns(frame["code"] + f"-{present}")
        dossiers_load_frame(
            frame=frame, key=f"bench-portal-{present}-{rows}", name="bench", actor="system:bench"
        )
        say(f"  loaded {rows - present:,} dossiers in {time.monotonic() - started:.0f} s")
    period = selectors.current_period()
    busiest = max(selectors.realtime_index(period), key=lambda result: result.dossiers)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM dossiers_dailycount")
        (counter_rows,) = cursor.fetchone()
    say(
        f"  database: {Dossier.objects.count():,} dossiers, {counter_rows:,} daily counter rows; "
        f"unit page: {busiest.unit_code} ({busiest.dossiers:,} dossiers in {period.label})"
    )
    return busiest.unit_code


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def server_environment() -> dict[str, str]:
    return {
        **os.environ,
        "GOVINDEX_ENV": "production",
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", "bench-" + "x" * 50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "GOVINDEX_LOG_LEVEL": "WARNING",
    }


def wrk(url: str, clients: int, seconds: int, script: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            "wrk",
            f"-t{min(2, clients)}",
            f"-c{clients}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(script),
            url,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def parse(output: str) -> dict[str, float]:
    line = next(line for line in output.splitlines() if line.startswith("RESULT "))
    requests, duration, errors, status, p50, p95, p99, most, size = map(int, line.split()[1:])
    return {
        "requests": requests,
        "per_second": requests / (duration / 1e6),
        "errors": errors,
        "bad_status": status,
        "p50_ms": p50 / 1000,
        "p95_ms": p95 / 1000,
        "p99_ms": p99 / 1000,
        "max_ms": most / 1000,
        "kib": size / max(requests, 1) / 1024,
    }


def unloaded(base: str, paths: dict[str, str], rounds: int) -> dict[str, float]:
    """Median time of one request at a time, per path (after one warm-up request each)."""
    times: dict[str, list[float]] = {name: [] for name in paths}
    for path in paths.values():
        urllib.request.urlopen(base + path, timeout=30).read()
    for _ in range(rounds):
        for name, path in paths.items():
            started = time.perf_counter()
            urllib.request.urlopen(base + path, timeout=30).read()
            times[name].append(time.perf_counter() - started)
    return {name: sorted(values)[len(values) // 2] * 1000 for name, values in times.items()}


def report(name: str, result: dict[str, float], yardstick: dict[str, float] | None) -> None:
    ratio = f"{result['p95_ms'] / yardstick['p95_ms']:.1f}×" if yardstick else "1×"
    say(
        f"  {name:<24} {result['requests']:>7,.0f} req {result['per_second']:>7.1f}/s  "
        f"p50 {result['p50_ms']:>7.1f}  p95 {result['p95_ms']:>7.1f}  p99 "
        f"{result['p99_ms']:>7.1f}  max {result['max_ms']:>7.1f} ms  {result['kib']:>5.0f} KiB  "
        f"errors {result['errors']:.0f}+{result['bad_status']:.0f}  p95/yardstick {ratio}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_500_000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--feed-rate", type=float, default=0.0, help="live feed events/s")
    parser.add_argument("--no-migrate", action="store_true", help="the database is migrated")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run on PostgreSQL: DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_portal")
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed (Debian: apt-get install wrk)")
    say(
        f"{platform.node()} · {os.cpu_count()} CPUs · Python {platform.python_version()} · "
        f"gunicorn {args.workers} worker(s) × {args.threads} thread(s) · "
        f"load average {os.getloadavg()[0]:.2f}"
    )
    unit = prepare(args.rows, migrate=not args.no_migrate)
    env = server_environment()
    subprocess.run(
        [str(ROOT / ".venv/bin/govindex"), "manage", "collectstatic", "--noinput", "-v0"],
        env=env,
        check=True,
    )
    connection.close()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--threads",
            str(args.threads),
            "--worker-class",
            "gthread" if args.threads > 1 else "sync",
            "--backlog",
            "2048",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    feed = None
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(f"{base}/api/health", timeout=2).read()
                break
            except OSError:
                time.sleep(0.2)
        if args.feed_rate:
            feed = subprocess.Popen(
                [
                    str(ROOT / ".venv/bin/govindex"),
                    "realtime",
                    "feed",
                    "--rate",
                    str(args.feed_rate),
                ],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            time.sleep(3)
        pages = {"ranking": "/realtime/", "unit page": f"/realtime/units/{unit}/"}
        alone = unloaded(base, {"static file": STATIC, **pages}, rounds=20)
        say(
            "  unloaded, one request at a time (median): "
            + ", ".join(f"{name} {ms:.1f} ms" for name, ms in alone.items())
        )
        with tempfile.TemporaryDirectory() as workdir:
            script = Path(workdir) / "report.lua"
            script.write_text(WRK_REPORT)
            yard_run = wrk(base + STATIC, args.clients, args.seconds, script)
            yardstick = parse(yard_run.communicate()[0])
            half = args.clients // 2
            runs = {
                "ranking /realtime/": wrk(base + pages["ranking"], half, args.seconds, script),
                f"unit page {unit}": wrk(
                    base + pages["unit page"], args.clients - half, args.seconds, script
                ),
            }
            results = {name: parse(run.communicate()[0]) for name, run in runs.items()}
        say(f"  load average after the run: {os.getloadavg()[0]:.2f}")
        report(f"yardstick {STATIC.rsplit('/', 1)[1]}", yardstick, None)
        for name, result in results.items():
            report(name, result, yardstick)
        invalid = sum(r["errors"] + r["bad_status"] for r in [yardstick, *results.values()])
        worst = max(result["p95_ms"] for result in results.values())
        say(
            f"  goal p95 < 150 ms with {args.clients} clients: "
            + ("INVALID RUN (errors above)" if invalid else "met" if worst < 150 else "MISSED")
            + f" (worst page p95 {worst:.1f} ms)"
        )
    finally:
        if feed is not None:
            feed.terminate()
            feed.wait(10)
        server.terminate()
        server.wait(20)


if __name__ == "__main__":
    main()
