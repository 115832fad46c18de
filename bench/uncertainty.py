"""Benchmark of the ranking uncertainty: 10,000 draws for 126 units × 100 leaves.

Run from the repository root:

    .venv/bin/python bench/uncertainty.py              # timings and the ratio to the yardstick
    .venv/bin/python bench/uncertainty.py --record     # and write the run into docs/benchmarks.md
    .venv/bin/python bench/uncertainty.py --profile    # plus a cProfile of one analysis

The framework has 100 leaves in 8 areas (4 of 12 leaves, 4 of 13); areas alternate between sum
and weighted_mean (leaf weights 1–3), the root is their sum, as in the PAR frameworks. Leaves
alternate between the points and percentage rules (some thresholds, some lower-is-better). The
126 units (Hanoi's communes and wards) get seeded values. Two rounds are timed:

- complete: every value present (``missing: propagate``), so imputation cannot move a rank and
  its pick-freeze runs are skipped — the common case of an appraised round;
- 2 % missing: the same framework with ``missing: exclude`` and 2 % of the values removed, so
  all three factors are drawn (9 leaf states).

Each analysis is ``rank_uncertainty`` with the default settings (weights × U(0.8, 1.2), three
normalisations, three imputations, sensitivity indices) and ``draws=10,000``, timed 3 times
(median). The yardstick is one ``score_values`` pass on the same round (median of 300) × 10,000:
what scoring every draw with the engine would cost at the least. Goal: under 5 s.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import os
import platform
import pstats
import re
import statistics
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from govindex.scoring import score_values
from govindex.scoring.framework import Framework, Rule
from govindex.scoring.uncertainty import UncertaintySettings, rank_uncertainty
from govindex.scoring.validation import parse_framework

AREA_LEAVES = (12, 13, 12, 13, 12, 13, 12, 13)
UNITS = 126
DRAWS = 10_000
GOAL_SECONDS = 5.0
BENCHMARKS = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
RUN_START = "<!-- bench/uncertainty.py --record: latest run -->"
RUN_END = "<!-- bench/uncertainty.py --record: end -->"


def _names(text: str) -> dict[str, str]:
    return {"vi": text, "en": text, "id": text}


def build_framework(missing: str = "propagate") -> Framework:
    """100 leaves in 8 areas, mixed rules; areas alternate sum / weighted_mean."""
    areas = []
    for a, count in enumerate(AREA_LEAVES):
        leaves = []
        for k in range(count):
            leaf: dict[str, Any] = {
                "id": f"a{a}_l{k}",
                "name": _names(f"leaf {a}.{k}"),
                "max": float(1 + (a + k) % 4),
                "weight": float(1 + k % 3),
                "source": "data",
            }
            if k % 2 == 0:
                leaf["rule"] = "points"
            else:
                leaf["rule"] = "percentage"
                leaf["threshold"] = (80, 100, 90)[(a + k) % 3]
                if (a + k) % 5 == 0:
                    leaf["direction"] = "lower"
            leaves.append(leaf)
        area: dict[str, Any] = {"id": f"a{a}", "name": _names(f"area {a}"), "children": leaves}
        if a % 2 == 0:
            area["max"] = sum(leaf["max"] for leaf in leaves)
        else:
            area["aggregation"] = "weighted_mean"
            area["max"] = 12.5
        areas.append(area)
    return parse_framework(
        {
            "id": "bench-uncertainty",
            "version": "bench",
            "name": _names("benchmark"),
            "legal_basis": "bench/uncertainty.py",
            "sources": ["bench/uncertainty.py"],
            "missing": missing,
            "max": sum(area["max"] for area in areas),
            "children": areas,
        }
    )


def build_values(framework: Framework, seed: int, missing_share: float = 0.0) -> np.ndarray:
    """Units × leaves, valid for each leaf's rule; units differ in level so ranks mean something."""
    rng = np.random.default_rng(seed)
    upper = np.asarray(
        [leaf.max_points if leaf.rule is Rule.POINTS else 100.0 for leaf in framework.leaves]
    )
    level = rng.uniform(0.55, 0.95, (UNITS, 1))
    shares = np.clip(level + rng.normal(0.0, 0.12, (UNITS, upper.size)), 0.0, 1.0)
    values = np.round(shares * upper, 2)
    if missing_share:
        values[rng.uniform(size=values.shape) < missing_share] = np.nan
    return values


def median_seconds(call: Any, repeats: int) -> tuple[float, float]:
    runs = []
    for _ in range(repeats):
        started = time.perf_counter()
        call()
        runs.append(time.perf_counter() - started)
    return statistics.median(runs), min(runs)


@dataclass(frozen=True)
class Result:
    label: str
    seconds: float
    best: float
    draws_only: float
    evaluations: int
    states: int
    yardstick: float  # one score_values pass, seconds

    @property
    def ratio(self) -> float:
        return self.seconds / (self.yardstick * DRAWS)

    def line(self) -> str:
        return (
            f"| {self.label} | {self.evaluations:,} | **{self.seconds:.2f} s** "
            f"(best {self.best:.2f}) | {self.draws_only:.2f} s | "
            f"{self.yardstick * 1e3:.3f} ms × 10,000 = {self.yardstick * DRAWS:.2f} s | "
            f"**{self.ratio:.2f}×** |"
        )


def measure(label: str, missing: str, missing_share: float, seed: int, repeats: int) -> Result:
    framework = build_framework(missing)
    values = build_values(framework, seed, missing_share)
    units = [f"unit {i:03d}" for i in range(UNITS)]
    settings = UncertaintySettings(draws=DRAWS)
    quick = UncertaintySettings(draws=DRAWS, sensitivity=False)
    score_values(framework, units, values)  # compiles and caches the plan
    yardstick, _ = median_seconds(lambda: score_values(framework, units, values), 300)
    result = rank_uncertainty(framework, units, values, settings=settings)  # warm-up
    seconds, best = median_seconds(
        lambda: rank_uncertainty(framework, units, values, settings=settings), repeats
    )
    draws_only, _ = median_seconds(
        lambda: rank_uncertainty(framework, units, values, settings=quick), repeats
    )
    from govindex.scoring.uncertainty import _Model

    model = _Model(framework, score_values(framework, units, values), None, None, settings)
    return Result(
        label=label,
        seconds=seconds,
        best=best,
        draws_only=draws_only,
        evaluations=result.evaluations,
        states=len(model.states),
        yardstick=yardstick,
    )


def machine() -> str:
    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    cores = subprocess.run(["nproc"], capture_output=True, text=True, check=False).stdout.strip()
    return (
        f'`nproc` = {cores}, CPU model "{cpu}", load average {load} at the start; '
        f"Python {platform.python_version()}, numpy {np.__version__}"
    )


def report(results: list[Result], described: str, when: dt.datetime) -> str:
    verdicts = [
        f"{r.label}: {'meets' if r.seconds < GOAL_SECONDS else 'MISSES'} the goal" for r in results
    ]
    return "\n".join(
        [
            RUN_START,
            f"### Run of {when:%Y-%m-%d %H:%M} UTC",
            "",
            f"Machine: {described}.",
            "",
            "| round | scorings (draws + pick-freeze) | 10,000 draws with indices, median of 3 "
            "| without indices | yardstick | ratio |",
            "|---|---:|---:|---:|---:|---:|",
            *(r.line() for r in results),
            "",
            f"**Result: {'; '.join(verdicts)} (under {GOAL_SECONDS:g} s).** Leaf states scored: "
            + ", ".join(f"{r.label} {r.states}" for r in results)
            + ".",
            RUN_END,
        ]
    )


def record(text: str) -> None:
    """Replace the latest-run block of the "Ranking uncertainty" section (or add it there)."""
    document = BENCHMARKS.read_text(encoding="utf-8")
    block = re.compile(re.escape(RUN_START) + r".*?" + re.escape(RUN_END), re.DOTALL)
    if block.search(document):
        document = block.sub(lambda _: text, document)
    elif "\n## Ranking uncertainty\n" in document:
        head, tail = document.split("\n## Ranking uncertainty\n", 1)
        following = tail.find("\n## ")
        at = len(tail) if following < 0 else following
        tail = tail[:at].rstrip("\n") + "\n\n" + text + "\n" + tail[at:]
        document = head + "\n## Ranking uncertainty\n" + tail
    else:
        document = document.rstrip("\n") + "\n\n## Ranking uncertainty\n\n" + text + "\n"
    BENCHMARKS.write_text(document, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--record", action="store_true", help="write into docs/benchmarks.md")
    parser.add_argument("--profile", action="store_true", help="cProfile one analysis")
    args = parser.parse_args()

    described = machine()
    when = dt.datetime.now(dt.UTC)
    print(f"{UNITS} units × {sum(AREA_LEAVES)} leaves, {DRAWS:,} draws; {described}")
    results = [
        measure("complete", "propagate", 0.0, args.seed, args.repeats),
        measure("2 % missing", "exclude", 0.02, args.seed, args.repeats),
    ]
    for result in results:
        print(
            f"{result.label:<12} {result.seconds:6.2f} s (best {result.best:.2f}, without "
            f"indices {result.draws_only:.2f}) for {result.evaluations:,} scorings; yardstick "
            f"{result.yardstick * 1e3:.3f} ms × {DRAWS:,} = {result.yardstick * DRAWS:.2f} s; "
            f"ratio {result.ratio:.2f}×; goal < {GOAL_SECONDS:g} s: "
            f"{'met' if result.seconds < GOAL_SECONDS else 'MISSED'}"
        )
    if args.record:
        record(report(results, described, when))
        print(f"recorded in {BENCHMARKS}")
    if args.profile:
        framework = build_framework("exclude")
        values = build_values(framework, args.seed, 0.02)
        units = [f"unit {i:03d}" for i in range(UNITS)]
        profiler = cProfile.Profile()
        profiler.enable()
        rank_uncertainty(framework, units, values, settings=UncertaintySettings(draws=DRAWS))
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(12)
        print("\ncProfile, one analysis of the 2 % missing round (sorted by own time):")
        print(out.getvalue())


if __name__ == "__main__":
    main()
