"""Benchmarks of the real-time index (issue 4, item 9), each against a yardstick in the same run.

Run on PostgreSQL (a database of its own, created if needed):

    createdb -h 127.0.0.1 -U postgres bench_dossiers
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_dossiers \\
        .venv/bin/python bench/realtime.py --rows 10000000

    ... --only import,recompute,streaming          (any subset)
    ... --profile recompute                        (a cProfile of one benchmark's own part)

1. import: ``dossiers_import`` of a CSV of ``--rows`` dossiers (validation, counters, one
   transaction, the foreign keys validated after it) into empty tables; yardstick: a raw ``COPY``
   of the same file into an unlogged table of text columns (no types, no index, no constraint).
   Both start after a ``CHECKPOINT``. Prints the time of each stage and the load average.
   Goal ≥ 150,000 rows/s. ``--workdir DIR`` keeps the generated file (``dossiers-<rows>.csv``,
   about 150 bytes a row) for the next run.
2. recompute: every indicator for every unit from ``--rows`` dossiers in memory (late instants,
   daily counters, sums per unit, rates); yardstick: a polars lazy group-by over the same columns
   (per-unit count, on-time, online, cashless, digitised, mean rating), run in turns with it
   (``--repeats`` rounds, best of each compared). Goal ≤ 2× the yardstick.
   The database recompute (``govindex realtime recompute``) is timed too, for the record.
3. streaming: batches of 1,000 events through ``events_ingest`` (the API's path), each followed
   by reading the unit's score until the batch shows; yardstick: ``executemany`` of the same
   1,000 event rows into a plain table. Goals: visible within 1 s at p95, ≥ 5,000 events/s.
4. portal: ``bench/portal_load.py`` (gunicorn, 50 concurrent clients driven by ``wrk``).
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
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

import numpy as np  # noqa: E402
import polars as pl  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from govindex.demo.dossiers import create_procedures, generate  # noqa: E402
from govindex.demo.units import create_units  # noqa: E402
from govindex.dossiers import bulk_load, selectors  # noqa: E402
from govindex.dossiers.frames import counter_frame, procedure_frame, with_late_from  # noqa: E402
from govindex.dossiers.importing import COLUMNS  # noqa: E402
from govindex.dossiers.indicators import indicator_rates  # noqa: E402
from govindex.dossiers.models import Procedure, SourceSystem  # noqa: E402
from govindex.dossiers.services import (  # noqa: E402
    city_calendar,
    counters_recompute,
    dossiers_import,
    events_ingest,
    source_system_create,
)
from govindex.orgs.models import Unit, UnitKind  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TABLES = (
    "dossiers_dossierevent",
    "dossiers_dailycount",
    "dossiers_balance",
    "dossiers_dossier",
    "dossiers_ingestbatch",
)


def say(text: str) -> None:
    print(text, flush=True)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def setup() -> tuple[list[Unit], list[Procedure], list[Procedure]]:
    call_command("migrate", verbosity=0)
    if not Unit.objects.filter(kind=UnitKind.WARD).exists():
        with transaction.atomic():
            units = create_units()
            create_procedures(units.departments)
    wards = list(Unit.objects.filter(kind__in=[UnitKind.WARD, UnitKind.COMMUNE]))
    agencies = list(Unit.objects.filter(kind__in=[UnitKind.DEPARTMENT, UnitKind.AGENCY]))
    communes = list(Procedure.objects.filter(level="commune").order_by("code"))
    provinces = list(Procedure.objects.filter(level="province").order_by("code"))
    return [*wards, *agencies], communes, provinces


def empty_tables() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(TABLES)}")
        cursor.execute("DELETE FROM dossiers_counterstate")
        cursor.execute("DELETE FROM dossiers_recomputerun")
    selectors.clear_cache()


def dossier_frame(rows: int, world) -> pl.DataFrame:
    units, communes, provinces = world
    started = time.monotonic()
    frame = generate(
        seed=11,
        units=units,
        communes=communes,
        provinces=provinces,
        calendar=city_calendar(),
        total=rows,
    )
    say(f"  generated {rows:,} dossiers in {time.monotonic() - started:.1f} s")
    return frame


def write_csv(frame: pl.DataFrame, path: Path) -> None:
    codes = dict(Procedure.objects.values_list("id", "code"))
    names = {column.field: name for name, column in COLUMNS.items()}
    out = frame.with_columns(
        pl.col("procedure_id")
        .replace_strict(codes, return_dtype=pl.String)
        .alias("procedure_code"),
        *(pl.col(c).cast(pl.Int8) for c, t in frame.schema.items() if t == pl.Boolean),
    ).select(
        *(
            pl.col(field).alias(name)
            for field, name in names.items()
            if field in frame.columns or field == "procedure_code"
        )
    )
    out.write_csv(path, datetime_format="%Y-%m-%dT%H:%M:%S%z")


def checkpoint() -> None:
    """Flush dirty pages first, so that neither timed step pays for the other's writes."""
    with connection.cursor() as cursor:
        cursor.execute("CHECKPOINT")


def bench_import(rows: int, world, workdir: Path) -> dict[str, float]:
    say(f"\n1. Import of {rows:,} dossiers (CSV) into PostgreSQL")
    path = workdir / f"dossiers-{rows}.csv"
    if not path.exists():  # a --workdir keeps the file for the next run
        frame = dossier_frame(rows, world)
        started = time.monotonic()
        write_csv(frame, path)
        del frame
        say(f"  written in {time.monotonic() - started:.1f} s")
    say(f"  file: {path} ({path.stat().st_size / 1e6:,.0f} MB)")
    header = path.open(encoding="utf-8").readline().strip().split(",")
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_raw")
        cursor.execute(
            "CREATE UNLOGGED TABLE bench_raw (" + ", ".join(f'"{c}" text' for c in header) + ")"
        )
    checkpoint()
    raw = connection.connection
    started = time.monotonic()
    copy_sql = "COPY bench_raw FROM STDIN WITH (FORMAT csv, HEADER true)"
    with raw.cursor() as cursor, path.open("rb") as stream, cursor.copy(copy_sql) as copy:
        while block := stream.read(1 << 20):
            copy.write(block)
    raw.commit()
    copy_seconds = time.monotonic() - started
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_raw")
    say(f"  yardstick: raw COPY {copy_seconds:.1f} s ({rows / copy_seconds:,.0f} rows/s)")
    empty_tables()
    checkpoint()
    # Stage times from the progress callback (first and last call of each stage) and the
    # foreign-key validation that runs after the commit.
    marks: dict[str, list[float]] = {}
    validation: list[float] = []
    validate = bulk_load.validate

    def timed_validate(keys) -> None:
        step = time.monotonic()
        validate(keys)
        validation.append(time.monotonic() - step)

    def progress(stage: str, done: int, total: int) -> None:
        marks.setdefault(stage, []).append(time.monotonic() - started)

    bulk_load.validate = timed_validate
    load_before = os.getloadavg()[0]
    started = time.monotonic()
    try:
        summary = dossiers_import(
            path=path, actor="system:bench", progress=progress, exclusive=True
        )
    finally:
        bulk_load.validate = validate
    seconds = time.monotonic() - started
    load_after = os.getloadavg()[0]
    say(f"  dossiers_import: {seconds:.1f} s ({rows / seconds:,.0f} rows/s), {summary.describe()}")
    read, check, load = marks["read"], marks["check"], marks.get("load", [seconds])
    checked = validation[0] if validation else 0.0
    say(
        f"  stages: read {read[-1]:.1f} s (and file hash), check {check[-1] - check[0]:.1f} s, "
        f"late instants + sort + lock + comparison {load[0] - check[-1]:.1f} s, "
        f"COPY in {len(load)} chunks with the counters computed meanwhile {load[-1] - load[0]:.1f} s, "
        f"counters stored + commit {seconds - load[-1] - checked:.1f} s, "
        f"foreign keys validated after the commit {checked:.1f} s"
    )
    say(f"  load average (1 min) {load_before:.1f} before, {load_after:.1f} after")
    say(
        f"  ratio to COPY: {seconds / copy_seconds:.2f}×; goal ≥ 150,000 rows/s: "
        f"{'met' if rows / seconds >= 150_000 else 'MISSED by ' + format(150_000 / (rows / seconds), '.2f') + '×'}"
    )
    return {"copy_s": copy_seconds, "import_s": seconds, "rows_per_s": rows / seconds}


def yardstick_groupby(frame: pl.DataFrame) -> pl.DataFrame:
    return (
        frame.lazy()
        .group_by("unit_id")
        .agg(
            pl.len().alias("dossiers"),
            (pl.col("finished_at") <= pl.col("due_at")).mean().alias("on_time"),
            (pl.col("channel") == 2).mean().alias("online"),
            (pl.col("online_payment") > 0).mean().alias("cashless"),
            pl.col("digitised").mean().alias("digitised"),
            pl.col("rating").cast(pl.Float64).mean().alias("rating"),
        )
        .collect()
    )


def recompute_in_memory(frame: pl.DataFrame, procedures: pl.DataFrame, judged_until) -> dict:
    """Late instants, daily counters, sums per unit and every indicator's rate; stage times."""
    stages: dict[str, float] = {}
    started = time.perf_counter()
    late = with_late_from(frame, city_calendar())
    stages["late instants"] = time.perf_counter() - started
    step = time.perf_counter()
    counts = counter_frame(late, procedures, judged_until)
    stages["daily counters"] = time.perf_counter() - step
    step = time.perf_counter()
    sums = counts.group_by("unit_id").agg(pl.exclude("procedure_id", "day").sum())
    arrays = {name: sums[name].to_numpy() for name in sums.columns if name != "unit_id"}
    arrays["open"] = arrays["opened"] - arrays["closed"]
    arrays["late_open"] = arrays["late_started"] - arrays["late_closed"]
    for name in (
        "procedures",
        "procedures_online",
        "procedures_online_used",
        "procedures_fee",
        "procedures_fee_integrated",
        "procedures_fee_paid",
    ):
        arrays[name] = np.zeros(sums.height, dtype=np.int64)
    indicator_rates(arrays)
    stages["sums and rates"] = time.perf_counter() - step
    stages["total"] = time.perf_counter() - started
    return stages


def bench_recompute(rows: int, world, profile: bool, repeats: int = 7) -> dict[str, float]:
    say(f"\n2. Recompute of every indicator for every unit over {rows:,} dossiers")
    frame = dossier_frame(rows, world)
    procedures = procedure_frame(
        list(Procedure.objects.values_list("id", "fee", "paper_result_required", "online_level"))
    )
    judged_until = timezone.now()
    yardstick_groupby(frame)  # warm-up (and the calendar's day table, built once per process)
    recompute_in_memory(frame, procedures, judged_until)
    # Interleaved (one of each per round) so that a busy machine slows both alike.
    yard: list[float] = []
    runs: list[dict[str, float]] = []
    for _ in range(repeats):
        started = time.perf_counter()
        yardstick_groupby(frame)
        yard.append(time.perf_counter() - started)
        runs.append(recompute_in_memory(frame, procedures, judged_until))
    if profile:
        profiler = cProfile.Profile()
        profiler.enable()
        counter_frame(with_late_from(frame, city_calendar()), procedures, judged_until)
        profiler.disable()
        text = io.StringIO()
        pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(12)
        say(text.getvalue())
    ours = [run["total"] for run in runs]
    y, o = min(yard), min(ours)
    pauses = frame.filter(pl.col("supplement_count") >= 1).height
    say(
        f"  yardstick (polars lazy group-by): best {y:.3f} s, median {statistics.median(yard):.3f} s; "
        f"ours: best {o:.3f} s, median {statistics.median(ours):.3f} s → {o / y:.1f}× (goal ≤ 2×)"
    )
    say(
        "  stages (best of each): "
        + ", ".join(
            f"{name} {min(run[name] for run in runs):.3f} s"
            for name in ("late instants", "daily counters", "sums and rates")
        )
        + f" ({pauses:,} dossiers with a supplement wait need office-hour arithmetic)"
    )
    return {"yardstick_s": y, "ours_s": o, "ratio": o / y}


def bench_db_recompute() -> dict[str, float]:
    say("\n2b. Database recompute (govindex realtime recompute) of the imported dossiers")
    started = time.monotonic()
    summary = counters_recompute(actor="system:bench", resume=False)
    seconds = time.monotonic() - started
    say(
        f"  {seconds:.1f} s for {summary.dossiers:,} dossiers, {summary.units} units "
        f"({summary.dossiers / seconds:,.0f} dossiers/s)"
    )
    return {"seconds": seconds}


def bench_streaming(batches: int, size: int) -> dict[str, float]:
    say(f"\n3. Streaming: {batches} batches of {size:,} events through events_ingest")
    system = (
        SourceSystem.objects.filter(code="bench").first()
        or source_system_create(code="bench", name="Bench", actor="system:bench")[0]
    )
    ward = Unit.objects.filter(kind=UnitKind.WARD).order_by("code").first()
    procedure = Procedure.objects.filter(level="commune").order_by("code").first()
    period = selectors.current_period()
    now = timezone.now()
    latencies, ingest_times, yard = [], [], []
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_events")
        cursor.execute(
            "CREATE TABLE bench_events (event_id text, dossier text, kind text, occurred_at timestamptz, unit text)"
        )
    started_all = time.monotonic()
    for batch in range(batches):
        serial = f"{int(time.time() * 1000)}-{batch}"
        events = [
            {
                "event_id": f"b{serial}-{n}",
                "dossier": f"B{serial}-{n}",
                "kind": "received",
                "occurred_at": (now + timedelta(seconds=batch)).isoformat(),
                "unit": ward.code,
                "attributes": {
                    "MaTTHC": procedure.code,
                    "NgayHenTra": (now + timedelta(days=3)).isoformat(),
                    "KenhThucHien": 2,
                },
            }
            for n in range(size)
        ]
        before = selectors.realtime_index(period, unit_code=ward.code)[0].dossiers
        started = time.monotonic()
        events_ingest(source_system=system, events=events)
        ingest_times.append(time.monotonic() - started)
        while selectors.realtime_index(period, unit_code=ward.code)[0].dossiers < before + size:
            time.sleep(0.001)
        latencies.append(time.monotonic() - started)
        step = time.monotonic()
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO bench_events VALUES (%s, %s, %s, %s, %s)",
                [
                    (e["event_id"], e["dossier"], e["kind"], e["occurred_at"], e["unit"])
                    for e in events
                ],
            )
        yard.append(time.monotonic() - step)
    total = time.monotonic() - started_all - sum(yard)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_events")
    rate = batches * size / sum(ingest_times)
    p95 = percentile(latencies, 0.95)
    say(
        f"  visible after: median {statistics.median(latencies) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms (goal ≤ 1000 ms)"
    )
    say(
        f"  sustained: {rate:,.0f} events/s ingest only, {batches * size / total:,.0f} events/s with the reads (goal ≥ 5,000)"
    )
    say(
        f"  yardstick (executemany of the same rows): median {statistics.median(yard) * 1000:.0f} ms per batch; "
        f"ingest is {statistics.median(ingest_times) / statistics.median(yard):.1f}× that"
    )
    return {"p95_s": p95, "events_per_s": rate}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--only", default="import,recompute,streaming")
    parser.add_argument("--repeats", type=int, default=7, help="recompute: rounds")
    parser.add_argument("--batches", type=int, default=30)
    parser.add_argument("--profile", default="")
    parser.add_argument("--workdir", default="", help="import: keep the generated file here")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit(
            "Run on PostgreSQL: DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_dossiers"
        )
    only = set(args.only.split(","))
    say(
        f"{platform.node()} · {os.cpu_count()} CPUs · Python {platform.python_version()} · polars {pl.__version__}"
    )
    world = setup()
    with tempfile.TemporaryDirectory() as workdir:
        if "import" in only:
            bench_import(args.rows, world, Path(args.workdir or workdir))
        if "recompute" in only:
            bench_recompute(args.rows, world, args.profile == "recompute", args.repeats)
            if "import" in only:
                bench_db_recompute()
    if "streaming" in only:
        bench_streaming(args.batches, 1_000)


if __name__ == "__main__":
    main()
