"""Benchmark of the dashboard pages on the Hanoi demo data: p95 per page against a yardstick.

Run from the repository root, on a database of your choice (the demo is built into it when it
is empty, or with ``--rebuild``):

    DATABASE_URL=sqlite:////tmp/bench-dashboards.sqlite3 .venv/bin/python bench/dashboards.py
    .venv/bin/python bench/dashboards.py --requests 100          # more requests per page
    .venv/bin/python bench/dashboards.py --profile scorecard     # plus a cProfile of one page

Each page is requested through Django's test client (the whole middleware stack, sessions,
templates; no HTTP socket), as the public and as a signed-in city leader, whose pages include
the provisional round and the entries. The yardstick is ``GET /api/health`` (the same stack and
one ``SELECT 1``) timed in the same run. Every page is requested once to warm up, then the pages
and the yardstick are requested in turns, ``--requests`` times each, so that a busy machine
slows them alike. Reported: median, p95 and max per page, and p95 as a multiple of the
yardstick's p95. Goal: every page under 300 ms at p95. Results go to docs/benchmarks.md
("Dashboards").
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import platform
import pstats
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from govindex.assessments.models import Round, RoundState, UnitResult  # noqa: E402
from govindex.demo import build_demo, demo_exists  # noqa: E402
from govindex.orgs.models import Unit  # noqa: E402

GOAL_MS = 300.0
LEADER = "lanhdao.tp"


@dataclass(frozen=True)
class Page:
    name: str
    url: str
    signed_in: bool


@dataclass(frozen=True)
class Timing:
    page: Page
    milliseconds: list[float]
    #: CPU time of this process per request (the database is in-process for SQLite): less
    #: sensitive than wall time to other work on a shared machine.
    cpu_milliseconds: list[float]
    queries: int
    size: int

    def percentile(self, share: float) -> float:
        ordered = sorted(self.milliseconds)
        return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def demo_pages() -> list[Page]:
    """The dashboards, on the demo's rounds and on a ward formed from several districts."""
    published = Round.objects.filter(state=RoundState.PUBLISHED).order_by("-year").first()
    provisional = (
        Round.objects.filter(state=RoundState.UNDER_APPRAISAL, computations__isnull=False)
        .order_by("-year")
        .first()
    )
    if published is None or provisional is None:
        raise SystemExit("The demo needs a published and a provisional round; use --rebuild.")
    merged = (
        Unit.objects.filter(unit_results__round=provisional, kind="ward")
        .annotate(predecessors=Count("predecessor_links"))
        .filter(predecessors__gte=2)
        .order_by("code")
        .first()
    )
    former = UnitResult.objects.filter(round=published).order_by("rank", "unit__code").first()
    if merged is None or former is None:
        raise SystemExit("The demo has no merged ward with results; use --rebuild.")
    card = f"/rounds/{provisional.pk}/units/{merged.code}/"
    public_card = f"/rounds/{published.pk}/units/{former.unit.code}/"
    return [
        Page("ranking (public)", "/", signed_in=False),
        Page("ranking CSV (public)", "/?format=csv", signed_in=False),
        Page("heat map (public)", "/heatmap/", signed_in=False),
        Page("scorecard (public)", public_card, signed_in=False),
        Page("criterion (public)", f"{public_card}criteria/a1_c1_plan/", signed_in=False),
        Page("city trend (public)", "/trends/", signed_in=False),
        Page("unit trend (public)", f"/units/{merged.code}/trend/", signed_in=False),
        Page("ranking (leader)", f"/?round={provisional.pk}", signed_in=True),
        Page("ranking XLSX (leader)", f"/?round={provisional.pk}&format=xlsx", signed_in=True),
        Page("heat map (leader)", f"/heatmap/?round={provisional.pk}", signed_in=True),
        Page("scorecard (leader)", card, signed_in=True),
        Page("criterion (leader)", f"{card}criteria/a1_c2_inspection_reporting/", signed_in=True),
        Page("unit trend (leader)", f"/units/{merged.code}/trend/", signed_in=True),
    ]


def clients() -> tuple[Client, Client]:
    public = Client(headers={"Accept-Language": "vi"})
    leader = Client(headers={"Accept-Language": "vi"})
    leader.force_login(get_user_model().objects.get(username=LEADER))
    return public, leader


def timed(get: Callable[[], object]) -> tuple[float, float]:
    """Wall and CPU milliseconds of one request."""
    start, cpu = time.perf_counter(), time.process_time()
    response = get()
    elapsed = (time.perf_counter() - start) * 1000
    cpu_elapsed = (time.process_time() - cpu) * 1000
    status = getattr(response, "status_code", 0)
    if status != 200:
        raise SystemExit(f"unexpected status {status}")
    return elapsed, cpu_elapsed


def measure(pages: list[Page], requests: int) -> tuple[Timing, list[Timing]]:
    public, leader = clients()
    client_of = {False: public, True: leader}
    queries, sizes = {}, {}
    for page in pages:  # warm up (templates, framework files) and count the queries
        client_of[page.signed_in].get(page.url)
        with CaptureQueriesContext(connection) as captured:
            response = client_of[page.signed_in].get(page.url)
        if response.status_code != 200:
            raise SystemExit(f"{page.url}: status {response.status_code}")
        queries[page.name] = len(captured.captured_queries)
        sizes[page.name] = len(response.content)
    public.get("/api/health")
    yardstick: list[tuple[float, float]] = []
    samples: dict[str, list[tuple[float, float]]] = {page.name: [] for page in pages}
    for _ in range(requests):
        yardstick.append(timed(lambda: public.get("/api/health")))
        for page in pages:
            client = client_of[page.signed_in]
            samples[page.name].append(timed(lambda: client.get(page.url)))  # noqa: B023
    health = Timing(
        Page("yardstick GET /api/health", "/api/health", False),
        [wall for wall, _ in yardstick],
        [cpu for _, cpu in yardstick],
        1,
        0,
    )
    return health, [
        Timing(
            page,
            [wall for wall, _ in samples[page.name]],
            [cpu for _, cpu in samples[page.name]],
            queries[page.name],
            sizes[page.name],
        )
        for page in pages
    ]


def profile(page: Page, requests: int) -> str:
    public, leader = clients()
    client = leader if page.signed_in else public
    client.get(page.url)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        client.get(page.url)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(45)
    return out.getvalue()


def report(health: Timing, timings: list[Timing]) -> str:
    yardstick = health.percentile(0.95)
    lines = [
        f"Python {platform.python_version()}, Django {django.get_version()}, database "
        f"{connection.vendor}, {len(health.milliseconds)} requests per page, "
        f"{os.cpu_count()} CPUs",
        "",
        "| page | queries | KiB | median ms | p95 ms | max ms | p95 / yardstick | median CPU ms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
        f"| {health.page.name} | 1 | – | {statistics.median(health.milliseconds):.1f} | "
        f"{yardstick:.1f} | {max(health.milliseconds):.1f} | 1× | "
        f"{statistics.median(health.cpu_milliseconds):.1f} |",
    ]
    for timing in timings:
        p95 = timing.percentile(0.95)
        lines.append(
            f"| {timing.page.name} | {timing.queries} | {timing.size / 1024:.0f} | "
            f"{statistics.median(timing.milliseconds):.1f} | {p95:.1f} | "
            f"{max(timing.milliseconds):.1f} | {p95 / yardstick:.0f}× | "
            f"{statistics.median(timing.cpu_milliseconds):.1f} |"
        )
    worst = max(timings, key=lambda timing: timing.percentile(0.95))
    verdict = "met" if worst.percentile(0.95) < GOAL_MS else "MISSED"
    lines += [
        "",
        f"Slowest p95: {worst.page.name}, {worst.percentile(0.95):.1f} ms — goal "
        f"< {GOAL_MS:.0f} ms {verdict}.",
    ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=50, help="requests per page (default 50)")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the demo first")
    parser.add_argument(
        "--profile", metavar="WORD", help="cProfile the first page whose name contains WORD"
    )
    args = parser.parse_args()
    settings.DEBUG = False
    call_command("migrate", interactive=False, verbosity=0)
    if args.rebuild or not demo_exists():
        print("building the demo …", flush=True)
        build_demo(seed=2025, rebuild=True)
    pages = demo_pages()
    health, timings = measure(pages, args.requests)
    print(report(health, timings))
    if args.profile:
        page = next((page for page in pages if args.profile in page.name), None)
        if page is None:
            raise SystemExit(f"no page named like {args.profile!r}")
        print(f"\ncProfile of {args.requests} requests of {page.name} ({page.url}):")
        print(profile(page, args.requests))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
