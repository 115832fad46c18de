"""The ``govindex report`` command (wired in ``govindex/cli.py``): a unit's conference pack or
the city's report of a round, as PDF or XLSX.

Thin: parse arguments, call ``improvement.reports``, write the file atomically (a temporary file
beside it, then a rename: an interrupted run leaves no half file). Exit status 0 done, 2 bad
input (unknown round or unit, a unit without a result in the round; nothing written).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

BAD_INPUT = 2
LANGUAGES = ("vi", "en", "id")


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def _err(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename. The
    file gets the permissions a new file would (``mkstemp`` makes it private)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    umask = os.umask(0)
    os.umask(umask)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def cmd_report(args: argparse.Namespace) -> int:
    _django()
    from govindex.assessments.models import Round, UnitResult
    from govindex.errors import ApplicationError
    from govindex.improvement.reports import (
        CityReport,
        UnitReport,
        city_report,
        report_bytes,
        report_file_name,
        unit_report,
    )
    from govindex.orgs.models import Unit

    round = Round.objects.filter(pk=args.round).first()
    if round is None:
        _err(f"govindex report: there is no round with id {args.round}.")
        return BAD_INPUT
    if not UnitResult.objects.filter(round=round).exists():
        _err(f"govindex report: round {args.round} ({round.name}) has no results yet.")
        return BAD_INPUT
    started = time.monotonic()
    report: UnitReport | CityReport
    try:
        if args.unit is not None:
            unit = Unit.objects.filter(code=args.unit).first()
            if unit is None:
                _err(f"govindex report: there is no unit with code {args.unit!r}.")
                return BAD_INPUT
            report = unit_report(round, unit, language=args.language)
        else:
            _err(f"gathering the city report of {round.name} …")
            report = city_report(round, language=args.language)
    except ApplicationError as error:
        _err(f"govindex report: {error.message}")
        return BAD_INPUT
    if isinstance(report, CityReport):
        _err(f"rendering {len(report.rows)} unit(s) as {args.format.upper()} …")
    data = report_bytes(report, args.format)
    output = (
        Path(args.output) if args.output else Path.cwd() / report_file_name(report, args.format)
    )
    atomic_write(output, data)
    elapsed = time.monotonic() - started
    _err(f"wrote {output} ({len(data):,} bytes) in {elapsed:.1f} s")
    return 0


def add_parsers(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    report = commands.add_parser(
        "report",
        help="a unit's conference pack or the city's report of a round, as PDF or XLSX",
        description="Write a unit's conference pack (scorecard, weakest criteria, root causes, "
        "plan, charts) or, without --unit, the city's report (ranking, classes, changes, "
        "city-wide plan) of a scored round.",
    )
    report.add_argument("--round", type=int, required=True, help="the round's id")
    report.add_argument("--unit", help="the unit's code (without it: the city's report)")
    report.add_argument("--format", choices=("pdf", "xlsx"), required=True)
    report.add_argument("--language", choices=LANGUAGES, default="vi")
    report.add_argument(
        "--output",
        help="the file to write (default: govindex-<period>-<unit or city>-<language>.<format> "
        "in the current folder)",
    )
    report.set_defaults(handler=cmd_report)
