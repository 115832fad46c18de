"""The incremental counters (events in random batches, re-judged as time passes) equal a full
recompute from the dossiers; the recompute is idempotent and resumable."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govindex.dossiers.models import (
    COUNTERS,
    Balance,
    CounterState,
    DailyCount,
    Dossier,
    DossierEvent,
    IngestBatch,
    OnlineLevel,
    RecomputeRun,
)
from govindex.dossiers.services import (
    counters_recompute,
    dossiers_rejudge,
    events_ingest,
    source_system_create,
)
from tests.dossiers.balances import checked_balances
from tests.dossiers.factories import ProcedureFactory
from tests.dossiers.strategies import START, events_of, story_list
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


def snapshot() -> dict[tuple, tuple[int, ...]]:
    """The daily counter rows by key, and the balances (checked against them)."""
    rows = DailyCount.objects.values_list("unit_id", "procedure_id", "day", *COUNTERS)
    days = {row[:3]: row[3:] for row in rows if any(row[3:])}
    return {**days, ("balances",): tuple(sorted(checked_balances().items()))}


@pytest.fixture
def world(calendar):
    units = [UnitFactory(code="00004"), UnitFactory(code="00007")]
    procedures = [
        ProcedureFactory(code="P1"),
        ProcedureFactory(code="P2", fee=20_000, paper_result_required=True),
        ProcedureFactory(code="P3", fee=5_000, online_level=OnlineLevel.FULL),
    ]
    system, _ = source_system_create(code="one-stop", name="One-stop system", actor="system:test")
    return units, procedures, system


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    stories=story_list(20),
    batch_size=st.integers(1, 12),
    judge_days=st.lists(st.integers(0, 60), max_size=4),
)
def test_incremental_counters_equal_a_full_recompute(
    world, calendar, stories, batch_size, judge_days
) -> None:
    for model in (
        DossierEvent,
        Dossier,
        DailyCount,
        Balance,
        IngestBatch,
        RecomputeRun,
        CounterState,
    ):
        model.objects.all().delete()
    units, procedures, system = world
    events = [
        event
        for story in stories
        for event in events_of(story, [u.code for u in units], [p.code for p in procedures])
    ]
    events.sort(key=lambda event: event["occurred_at"])
    judge_at = sorted(START + timedelta(days=day) for day in judge_days)
    for offset in range(0, len(events), batch_size):
        batch = events[offset : offset + batch_size]
        events_ingest(source_system=system, events=batch, calendar=calendar)
        while judge_at and judge_at[0].isoformat() <= batch[-1]["occurred_at"]:
            dossiers_rejudge(now=judge_at.pop(0))
    incremental = snapshot()

    counters_recompute(actor="system:test", calendar=calendar)

    assert snapshot() == incremental
    counters_recompute(actor="system:test", calendar=calendar)
    assert snapshot() == incremental


def test_a_recompute_interrupted_after_one_unit_resumes_with_the_other(world, calendar) -> None:
    units, _, system = world
    story_events = [
        {
            "event_id": f"e{n}",
            "dossier": f"D{n}",
            "kind": "received",
            "occurred_at": "2026-11-02T08:00:00+07:00",
            "unit": units[n % 2].code,
            "attributes": {
                "MaTTHC": "P1",
                "NgayHenTra": "2026-11-04T17:00:00+07:00",
                "KenhThucHien": 2,
            },
        }
        for n in range(4)
    ]
    events_ingest(source_system=system, events=story_events, calendar=calendar)
    expected = snapshot()
    first_unit = min(u.pk for u in units)
    run = RecomputeRun.objects.create(
        judged_until=CounterState.objects.get().judged_until, done_through=first_unit
    )
    DailyCount.objects.filter(unit_id=max(u.pk for u in units)).update(received=99)

    summary = counters_recompute(actor="system:test", calendar=calendar)

    assert (summary.run_id, summary.units, summary.resumed) == (run.pk, 1, True)
    assert snapshot() == expected
    assert RecomputeRun.objects.get(pk=run.pk).finished_at is not None


def test_the_rejudge_job_counts_an_open_dossier_once_its_deadline_passes(world, calendar) -> None:
    units, _, system = world
    events_ingest(
        source_system=system,
        calendar=calendar,
        events=[
            {
                "event_id": "late-1",
                "dossier": "LATE-1",
                "kind": "received",
                "occurred_at": "2026-12-01T08:00:00+07:00",
                "unit": units[0].code,
                "attributes": {
                    "MaTTHC": "P1",
                    "NgayHenTra": "2026-12-03T17:00:00+07:00",
                    "KenhThucHien": 1,
                },
            }
        ],
    )
    late_started = lambda: sum(DailyCount.objects.values_list("late_started", flat=True))  # noqa: E731

    assert late_started() == 0
    assert dossiers_rejudge(now=datetime.fromisoformat("2026-12-03T16:59:00+07:00")) == 0
    assert late_started() == 0
    assert dossiers_rejudge(now=datetime.fromisoformat("2026-12-03T17:00:00+07:00")) == 1
    assert late_started() == 1
    assert dossiers_rejudge(now=datetime.fromisoformat("2026-12-05T08:00:00+07:00")) == 0
    assert late_started() == 1
