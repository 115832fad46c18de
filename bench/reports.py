"""Benchmark of the conference reports on the Hanoi demo data: gathering a unit's pack and the
city's report, and rendering each as PDF (WeasyPrint) and XLSX (openpyxl).

Run from the repository root, on a database holding the demo (built into it when it is empty):

    DATABASE_URL=sqlite:////tmp/bench-reports.sqlite3 .venv/bin/python bench/reports.py
    .venv/bin/python bench/reports.py --runs 10 --unit 00070

The yardstick is WeasyPrint printing a one-page document of a heading and a paragraph with the
report's stylesheet (its fixed cost per document), timed in turns with the steps so that a busy
machine slows them alike. Reported per step: median and max wall time, median CPU time, and the
median as a multiple of the yardstick's; for the PDFs their pages and size. Results go to
docs/improvement.md ("Reports") and docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from pypdf import PdfReader  # noqa: E402

from govindex.assessments.models import Round, RoundState  # noqa: E402
from govindex.demo import build_demo, demo_exists  # noqa: E402
from govindex.improvement.reports import (  # noqa: E402
    city_report,
    report_pdf,
    report_xlsx,
    unit_report,
)
from govindex.improvement.reports.pdf import BASE_URL, static_fetcher  # noqa: E402
from govindex.orgs.models import Unit  # noqa: E402

YARDSTICK_HTML = (
    '<html lang="vi"><head><link rel="stylesheet" href="/static/improvement/report.css"></head>'
    '<body class="report-print"><article class="report"><h1>Phường Hoàn Kiếm</h1>'
    "<p>Điểm 89,79 — Nhóm B</p></article></body></html>"
)


def yardstick() -> bytes:
    from weasyprint import HTML

    return bytes(
        HTML(string=YARDSTICK_HTML, base_url=BASE_URL, url_fetcher=static_fetcher()).write_pdf()
    )


def timed(step: Callable[[], Any]) -> tuple[float, float, Any]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = step()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--unit", default="00070", help="the unit whose pack is timed")
    args = parser.parse_args()

    call_command("migrate", interactive=False, verbosity=0)
    if not demo_exists():
        print("building the demo …", file=sys.stderr)
        build_demo(seed=2025)
    round = Round.objects.get(year=2025, state=RoundState.UNDER_APPRAISAL)
    unit = Unit.objects.get(code=args.unit)
    unit_pack = unit_report(round, unit)
    city = city_report(round)
    steps: dict[str, Callable[[], Any]] = {
        "yardstick: one-page PDF": yardstick,
        f"unit pack {unit.code}: gather": lambda: unit_report(round, unit),
        f"unit pack {unit.code}: PDF": lambda: report_pdf(unit_pack),
        f"unit pack {unit.code}: XLSX": lambda: report_xlsx(unit_pack),
        f"city report ({len(city.rows)} units): gather": lambda: city_report(round),
        "city report: PDF": lambda: report_pdf(city),
        "city report: XLSX": lambda: report_xlsx(city),
    }
    for step in steps.values():  # warm up: templates, fonts, framework files
        step()
    walls: dict[str, list[float]] = {name: [] for name in steps}
    cpus: dict[str, list[float]] = {name: [] for name in steps}
    outputs: dict[str, Any] = {}
    for _run in range(args.runs):
        for name, step in steps.items():
            wall, cpu, outputs[name] = timed(step)
            walls[name].append(wall)
            cpus[name].append(cpu)

    base = statistics.median(walls["yardstick: one-page PDF"])
    print(
        f"machine: {os.cpu_count()} CPUs, {platform.processor() or platform.machine()}; "
        f"load average {os.getloadavg()[0]:.1f}; Python {platform.python_version()}, "
        f"Django {django.get_version()}; {args.runs} runs"
    )
    print("| step | median ms | max ms | median CPU ms | median / yardstick | pages | KiB |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name in steps:
        output = outputs[name]
        pages = size = ""
        if isinstance(output, bytes):
            size = f"{len(output) / 1024:.0f}"
            if output.startswith(b"%PDF"):
                pages = str(len(PdfReader(io.BytesIO(output)).pages))
        median = statistics.median(walls[name])
        print(
            f"| {name} | {median * 1000:.0f} | {max(walls[name]) * 1000:.0f} | "
            f"{statistics.median(cpus[name]) * 1000:.0f} | {median / base:.1f}× | {pages} | "
            f"{size} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
