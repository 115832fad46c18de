"""The ``govindex import dossiers`` and ``govindex realtime`` commands (wired in ``govindex/cli.py``).

Thin: parse arguments, call services and selectors, print. Exit status 0 done, 2 bad input.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

BAD_INPUT = 2


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


class ProgressBar:
    """A one-line progress bar on standard error: ``stage [#####.....]  52%  5200/10000``."""

    def __init__(self, stream: Any = None, width: int = 30) -> None:
        self.stream = stream or sys.stderr
        self.width = width
        self.stage = ""
        self.started = time.monotonic()

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage != self.stage and self.stage:
            self.stream.write("\n")
        self.stage = stage
        share = done / total if total else 1.0
        filled = int(share * self.width)
        bar = "#" * filled + "." * (self.width - filled)
        elapsed = time.monotonic() - self.started
        self.stream.write(
            f"\r{stage:<10} [{bar}] {share:>4.0%} {done:>10,}/{total:,}  {elapsed:6.1f} s"
        )
        self.stream.flush()

    def close(self) -> None:
        if self.stage:
            self.stream.write("\n")
            self.stream.flush()


def cmd_import(args: argparse.Namespace) -> int:
    _django()
    from govindex.dossiers.services import dossiers_import
    from govindex.errors import ApplicationError

    bar = ProgressBar() if not args.quiet else None
    try:
        summary = dossiers_import(
            path=Path(args.file),
            actor="system:cli",
            progress=bar,
            exclusive=True if args.exclusive else None,
        )
    except ApplicationError as error:
        if bar:
            bar.close()
        print(error.message, file=sys.stderr)
        return BAD_INPUT
    if bar:
        bar.close()
    print(summary.describe())
    return 0


def _round(value: Any) -> Any:
    return round(value, 2) if isinstance(value, float) else value


def index_rows(results: list[Any]) -> tuple[list[dict[str, Any]], list[str]]:
    """Flat rows (one per unit) for CSV, with their columns."""
    from govindex.dossiers.indicators import INDICATORS

    columns = ["period", "rank", "unit", "name", "score", "points", "max_points", "class"]
    rows = []
    for result in results:
        row: dict[str, Any] = {
            "period": result.period,
            "rank": result.rank,
            "unit": result.unit_code,
            "name": result.unit_name,
            "score": _round(result.score),
            "points": _round(result.points),
            "max_points": _round(result.max_points),
            "class": result.band,
        }
        for group in result.groups:
            row[f"{group.id}_points"] = _round(group.points)
            row[f"{group.id}_max"] = _round(group.max_points)
        for indicator in result.indicators:
            prefix = f"i{indicator.number}"
            row[f"{prefix}_rate"] = (
                _round(indicator.rate)
                if indicator.availability == "computed"
                else indicator.availability
            )
            row[f"{prefix}_numerator"] = indicator.numerator
            row[f"{prefix}_denominator"] = indicator.denominator
            row[f"{prefix}_points"] = _round(indicator.points)
        for share_id, _name, top, bottom, rate in result.four_no:
            row[f"{share_id}_rate"] = _round(rate)
            row[f"{share_id}_numerator"] = top
            row[f"{share_id}_denominator"] = bottom
        rows.append(row)
    if results:
        columns += [f"{g.id}_{suffix}" for g in results[0].groups for suffix in ("points", "max")]
        columns += [
            f"i{i.number}_{suffix}"
            for i in INDICATORS
            for suffix in ("rate", "numerator", "denominator", "points")
        ]
        columns += [
            f"{share[0]}_{suffix}"
            for share in results[0].four_no
            for suffix in ("rate", "numerator", "denominator")
        ]
    return rows, columns


def index_json(results: list[Any]) -> list[dict[str, Any]]:
    from dataclasses import asdict

    def clean(value: Any) -> Any:
        if isinstance(value, dict):
            return {key: clean(item) for key, item in value.items()}
        if isinstance(value, list | tuple):
            return [clean(item) for item in value]
        return _round(value)

    output = []
    for result in results:
        data = clean(asdict(result))
        data["four_no"] = [
            {"id": s[0], "name": s[1], "numerator": s[2], "denominator": s[3], "rate": s[4]}
            for s in data["four_no"]
        ]
        output.append(data)
    return output


def cmd_realtime(args: argparse.Namespace) -> int:
    _django()
    from govindex.errors import ApplicationError

    try:
        return _REALTIME_ACTIONS[args.action](args)
    except ApplicationError as error:
        print(error.message, file=sys.stderr)
        return BAD_INPUT


def _realtime_index(args: argparse.Namespace) -> int:
    from django.utils import translation

    from govindex.dossiers.selectors import current_period, period_parse, realtime_index
    from govindex.tabular import write_rows

    period = period_parse(args.period) if args.period else current_period()
    with translation.override(args.language):
        results = realtime_index(period, unit_code=args.unit, language=args.language)
    if args.format == "json":
        sys.stdout.write(json.dumps(index_json(results), ensure_ascii=False, indent=2) + "\n")
    else:
        rows, columns = index_rows(results)
        sys.stdout.write(write_rows(rows, columns, None, "csv") or "")
    return 0


def _recompute(args: argparse.Namespace) -> int:
    from govindex.dossiers.services import counters_recompute

    bar = ProgressBar()
    summary = counters_recompute(actor="system:cli", resume=not args.restart, progress=bar)
    bar.close()
    resumed = " (resumed)" if summary.resumed else ""
    print(
        f"Recomputed{resumed}: {summary.units} unit(s), {summary.dossiers} dossiers, "
        f"{summary.counter_rows} daily counter rows (run {summary.run_id})."
    )
    return 0


def _rejudge(args: argparse.Namespace) -> int:
    from govindex.dossiers.services import dossiers_rejudge

    while True:
        judged = dossiers_rejudge()
        print(f"{judged} open dossier(s) turned late.", flush=True)
        if not args.every:
            return 0
        time.sleep(args.every)


def _source(args: argparse.Namespace) -> int:
    from govindex.dossiers.services import source_system_create

    if not args.code or not args.name:
        print("usage: govindex realtime source --code CODE --name NAME", file=sys.stderr)
        return BAD_INPUT
    system, token = source_system_create(code=args.code, name=args.name, actor="system:cli")
    print(f"Source system {system.code!r} registered. Its token (shown once, keep it secret):")
    print(token)
    return 0


def _feed(args: argparse.Namespace) -> int:
    from govindex.dossiers.live_feed import run_feed

    run_feed(rate=args.rate, seconds=args.seconds, seed=args.seed, out=print)
    return 0


_REALTIME_ACTIONS = {
    "index": _realtime_index,
    "recompute": _recompute,
    "rejudge": _rejudge,
    "source": _source,
    "feed": _feed,
}


def add_parsers(commands: Any) -> None:
    """Add ``import`` and ``realtime`` to the ``govindex`` command's subparsers."""
    importing = commands.add_parser("import", help="import records from a file")
    what = importing.add_subparsers(dest="what", required=True, metavar="WHAT")
    dossiers = what.add_parser(
        "dossiers",
        help="dossiers of the one-stop system (CSV, XLSX, JSON Lines, Parquet)",
        description="Import dossiers. Columns use the national portal's names (MaHoSo, MaTTHC, "
        "MaDonVi, NgayTiepNhan, NgayHenTra, NgayKetThucXuLy, KenhThucHien, "
        "DuocThanhToanTrucTuyen, TrangThaiHoSo …; docs/realtime.md). Rejected rows are written "
        "with their row number and reason to FILE.rejects.csv; the good rows load.",
    )
    dossiers.add_argument("file")
    dossiers.add_argument("--quiet", action="store_true", help="no progress bar")
    dossiers.add_argument(
        "--exclusive",
        action="store_true",
        help="PostgreSQL, 200,000+ new dossiers: load about 2.5x faster by locking the dossier, "
        "counter, unit and procedure tables until done (pages wait); for a first load or off "
        "hours",
    )
    dossiers.set_defaults(handler=cmd_import)

    realtime = commands.add_parser(
        "realtime",
        help="the real-time service index (Decision 766) and its jobs",
        description="Without an action: print each unit's index for a period. Actions: "
        "recompute (rebuild every counter from the dossiers; resumable), rejudge (count open "
        "dossiers past their deadline as late; --every N repeats), source (register a source "
        "system and print its API token), feed (add live demo events).",
    )
    realtime.add_argument("action", nargs="?", default="index", choices=sorted(_REALTIME_ACTIONS))
    realtime.add_argument("--period", help="YYYY, YYYY-Qn or YYYY-MM (default: this month)")
    realtime.add_argument("--unit", help="one unit's code")
    realtime.add_argument("--format", choices=("csv", "json"), default="csv")
    realtime.add_argument("--language", choices=("vi", "en", "id"), default="vi")
    realtime.add_argument("--restart", action="store_true", help="recompute: do not resume")
    realtime.add_argument("--every", type=float, default=0, help="rejudge: repeat every N s")
    realtime.add_argument("--code", help="source: the system's code")
    realtime.add_argument("--name", help="source: the system's name")
    realtime.add_argument("--rate", type=float, default=20.0, help="feed: events per second")
    realtime.add_argument(
        "--seconds", type=float, default=0, help="feed: stop after N s (0: never)"
    )
    realtime.add_argument("--seed", type=int, default=7)
    realtime.set_defaults(handler=cmd_realtime)
