"""The ``govindex`` command. Thin: it parses arguments, calls services and prints.

Exit status: 0 done, 2 bad input or usage (nothing written), 1 an unexpected failure.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from govindex.dossiers.commands import add_parsers as add_dossier_parsers
from govindex.improvement.report_commands import add_parsers as add_report_parsers
from govindex.scoring import FrameworkError, available_frameworks, load_framework, score_values
from govindex.scoring.table_input import TableInputError, parse_score_table
from govindex.tabular import TableError, read_table, write_rows

BAD_INPUT = 2


def _err(message: str) -> None:
    print(message, file=sys.stderr)


def cmd_frameworks(args: argparse.Namespace) -> int:
    try:
        infos = available_frameworks()
    except FrameworkError as error:
        _err(str(error))
        return BAD_INPUT
    width = max(len(info.id) for info in infos)
    for info in infos:
        name = info.name_vi if args.language == "vi" else info.name_en
        print(f"{info.id:<{width}}  v{info.version:<12} {info.leaves:>4} leaves  {name}")
    if args.check:
        print(f"{len(infos)} framework file(s) valid.")
    return 0


def cmd_score(args: argparse.Namespace) -> int:
    try:
        framework = load_framework(args.framework)
        table = read_table(Path(args.input))
        parsed = parse_score_table(framework, table.header, table.rows, table.row_numbers)
    except (FrameworkError, TableError) as error:
        _err(str(error))
        return BAD_INPUT
    except TableInputError as error:
        _err(f"{args.input}: {len(error.problems)} problem(s); nothing was written.")
        _err(str(error))
        return BAD_INPUT
    for warning in parsed.warnings:
        _err(f"warning: {warning}")
    result = score_values(framework, parsed.units, parsed.values, parsed.applicable)
    rows = result.summary_rows(args.language)
    for row in rows:
        for key, value in row.items():
            if isinstance(value, float):
                row[key] = round(value, args.decimals)
    columns = ["unit", "score", "rank", "class", *(area.id for area in framework.areas)]
    output = Path(args.output) if args.output else None
    try:
        text = write_rows(rows, columns, output, args.format)
    except TableError as error:
        _err(str(error))
        return BAD_INPUT
    if text is not None:
        sys.stdout.write(text)
    else:
        _err(f"wrote {len(rows)} unit(s) to {output}")
    return 0


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def cmd_demo(args: argparse.Namespace) -> int:
    if os.environ.get("GOVINDEX_ENV") == "production":
        _err(
            "govindex demo refuses to run with GOVINDEX_ENV=production (it creates demo sign-ins)."
        )
        return BAD_INPUT
    _django()
    from django.core.management import call_command

    from govindex.demo import DEMO_PASSWORD, build_demo, demo_exists, demo_people

    call_command("migrate", interactive=False, verbosity=0)
    if demo_exists() and not args.rebuild:
        print("The demo database is already built (govindex demo --rebuild starts over).")
    else:
        build_demo(seed=args.seed, rebuild=args.rebuild, progress=print)
    site = f"http://127.0.0.1:{args.port}"
    print(f"\nOpen {site}/ for the city ranking (public, no sign-in).")
    print(f"Sign in at {site}/accounts/login/ — demo sign-ins, password {DEMO_PASSWORD!r}:")
    for person in demo_people():
        print(f"  {person.username:<16} {person.role_label}")
        print(f"  {'':<16} try: {person.try_first}")
    if args.serve:
        return _serve(args.port)
    return 0


def _serve(port: int) -> int:
    from django.core.management import call_command

    print(f"\nServing GovIndex on http://127.0.0.1:{port}/  (Ctrl+C stops it)")
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("runserver", f"127.0.0.1:{port}", use_reloader=False)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    _django()
    return _serve(args.port)


def cmd_manage(args: argparse.Namespace) -> int:
    _django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["govindex manage", *args.arguments])
    return 0


def cmd_calendar(args: argparse.Namespace) -> int:
    _django()
    from datetime import datetime

    from govindex.calendars.selectors import calendar_exceptions, city_calendar
    from govindex.calendars.working_days import VIETNAM_ZONE

    if args.start is None:
        from django.utils import timezone

        for item in calendar_exceptions(year=args.year or timezone.localdate().year):
            status = "working" if item.working else "off"
            print(f"{item.day.isoformat()} {item.day:%a} {status:<7} {item.source:<8} {item.name}")
        return 0
    try:
        start = datetime.fromisoformat(args.start)
        if start.tzinfo is None:
            start = start.replace(tzinfo=VIETNAM_ZONE)
        calendar = city_calendar()
        if args.hours is not None:
            result = calendar.add_working_hours(start, args.hours)
        else:
            result = calendar.add_working_days(start, args.days)
    except (TypeError, ValueError) as error:
        _err(str(error))
        return BAD_INPUT
    print(result.isoformat())
    return 0


def cmd_feedback(args: argparse.Namespace) -> int:
    """Citizen feedback jobs: ``escalate`` (the periodic job) and ``api-key`` (Open311 keys)."""
    _django()
    if args.action == "escalate":
        from govindex.feedback.escalation import feedback_escalate
        from govindex.feedback.throttling import rate_counters_prune

        run = feedback_escalate()
        pruned = rate_counters_prune()
        print(
            f"checked {run.checked} open case(s): {run.to_leader} escalated to unit leaders, "
            f"{run.to_city} to the city; {run.closed_unrated} unrated answer(s) closed; "
            f"{pruned} old rate-limit window(s) pruned"
        )
        return 0
    if not args.name:
        _err("govindex feedback api-key needs --name (who the key is for)")
        return BAD_INPUT
    from govindex.feedback.services import api_key_create

    key, raw = api_key_create(name=args.name, actor="system:cli", per_hour=args.per_hour)
    print(f"Open311 API key for {key.name} (shown once, only its hash is kept):\n{raw}")
    return 0


def cmd_uncertainty(args: argparse.Namespace) -> int:
    """How certain a scored round's ranks are: draw, store and print the intervals."""
    _django()
    from govindex.assessments.models import Round
    from govindex.assessments.selectors import round_rank_intervals, round_ranking
    from govindex.assessments.services import round_uncertainty_compute
    from govindex.errors import ApplicationError

    round = Round.objects.filter(pk=args.round).first()
    if round is None:
        _err(f"no round with id {args.round}")
        return BAD_INPUT
    try:
        run = round_uncertainty_compute(
            round=round,
            actor="system:cli",
            draws=args.draws,
            seed=args.seed,
            weights=args.weights,
            spread=args.spread,
            normalisations=args.normalisations.split(","),
            imputations=args.imputations.split(","),
        )
    except ApplicationError as error:
        _err(error.message)
        return BAD_INPUT
    stored = round_rank_intervals(round)
    intervals = stored.by_unit if stored is not None else {}
    print(
        f"{round.name}: {run.draws:,} draws (weights {args.weights}, seed {run.seed}) "
        f"in {run.elapsed:.2f} s; the official rank stands, this only explains it."
    )
    print(f"{'unit':<12} {'official':>8} {'median':>6}  5–95 %")
    for result in round_ranking(round):
        interval = intervals.get(result.unit_id)
        if interval is None:
            print(f"{result.unit.code:<12} {'–':>8} {'–':>6}  –")
            continue
        span = f"{interval.low_rank}–{interval.high_rank}"
        print(
            f"{result.unit.code:<12} {interval.official_rank:>8} {interval.median_rank:>6}  {span}"
        )
    print(f"\n{'factor':<14} {'first-order':>11} {'total':>6}")
    for index in run.sensitivity:
        first, total = index["first_order"], index["total"]
        print(
            f"{index['factor']:<14} {'–' if first is None else f'{first:.2f}':>11} "
            f"{'–' if total is None else f'{total:.2f}':>6}"
            + ("" if index["varied"] else "  (not varied)")
        )
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="govindex",
        description="GovIndex: measure, explain and raise administrative-reform performance.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    frameworks = commands.add_parser("frameworks", help="list the methodology files")
    frameworks.add_argument("--check", action="store_true", help="validate every file")
    frameworks.add_argument("--language", choices=("vi", "en"), default="vi")
    frameworks.set_defaults(handler=cmd_frameworks)

    score = commands.add_parser(
        "score",
        help="score units from a CSV/XLSX file",
        description="Score units from a CSV or XLSX file whose first column names the unit and "
        "whose other columns are the framework's leaf ids. Empty cell = missing (N/A); "
        "KAD = the criterion does not apply.",
    )
    score.add_argument(
        "--framework", required=True, help="framework id (see 'govindex frameworks')"
    )
    score.add_argument("--input", required=True, help="CSV or XLSX file")
    score.add_argument("--output", help="write here instead of standard output")
    score.add_argument("--format", choices=("csv", "json", "xlsx"), default="csv")
    score.add_argument("--decimals", type=int, default=2, help="rounding of printed numbers")
    score.add_argument("--language", choices=("vi", "en", "id"), default="vi")
    score.set_defaults(handler=cmd_score)

    demo = commands.add_parser("demo", help="build the Hanoi demo database (and serve it)")
    demo.add_argument("--serve", action="store_true", help="serve the app when built")
    demo.add_argument("--rebuild", action="store_true", help="drop the demo data and build again")
    demo.add_argument("--seed", type=int, default=2025)
    demo.add_argument("--port", type=int, default=8000)
    demo.set_defaults(handler=cmd_demo)

    serve = commands.add_parser("serve", help="serve the app on 127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.set_defaults(handler=cmd_serve)

    calendar = commands.add_parser(
        "calendar",
        help="list a year's days off and make-up working days, or compute a deadline",
    )
    calendar.add_argument("--year", type=int, help="the year to list (default: this year)")
    calendar.add_argument("--from", dest="start", help="start (ISO; naive means Hanoi time)")
    amount = calendar.add_mutually_exclusive_group()
    amount.add_argument("--days", type=int, default=0, help="working days (default 0)")
    amount.add_argument("--hours", type=float, help="working hours instead of days")
    calendar.set_defaults(handler=cmd_calendar)

    feedback = commands.add_parser(
        "feedback",
        help="citizen feedback: escalate deadlines (the huey job does it every 5 minutes), "
        "issue Open311 keys",
    )
    feedback.add_argument("action", choices=("escalate", "api-key"))
    feedback.add_argument("--name", help="api-key: the client the key is for")
    feedback.add_argument("--per-hour", type=int, default=600, help="api-key: requests per hour")
    feedback.set_defaults(handler=cmd_feedback)

    uncertainty = commands.add_parser(
        "uncertainty",
        help="how certain a scored round's ranks are (Monte Carlo over weights, normalisation, "
        "imputation)",
    )
    uncertainty.add_argument("--round", type=int, required=True, help="the round's id")
    uncertainty.add_argument("--draws", type=int, default=1000)
    uncertainty.add_argument("--seed", type=int, default=2026)
    uncertainty.add_argument(
        "--weights", choices=("uniform", "dirichlet", "none"), default="uniform"
    )
    uncertainty.add_argument(
        "--spread", type=float, default=0.2, help="uniform: each weight × U(1 − s, 1 + s)"
    )
    uncertainty.add_argument(
        "--normalisations",
        default="official,min-max,rank",
        help="alternatives drawn, comma-separated (default: official,min-max,rank)",
    )
    uncertainty.add_argument(
        "--imputations",
        default="official,mean,zero",
        help="alternatives for missing values, comma-separated (default: official,mean,zero)",
    )
    uncertainty.set_defaults(handler=cmd_uncertainty)

    manage = commands.add_parser("manage", help="run a Django management command")
    manage.add_argument("arguments", nargs=argparse.REMAINDER)
    manage.set_defaults(handler=cmd_manage)

    add_dossier_parsers(commands)  # govindex import dossiers, govindex realtime
    add_report_parsers(commands)  # govindex report
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.handler(args))


if __name__ == "__main__":
    sys.exit(main())
