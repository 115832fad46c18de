"""The periodic re-judge job on huey (immediate mode in tests): scheduled every minute, it counts
an open dossier as late once its deadline has passed, and a second run changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from govindex.dossiers import selectors
from govindex.dossiers.models import COUNTERS, CounterState, DailyCount
from govindex.dossiers.services import events_ingest
from govindex.dossiers.tasks import dossiers_rejudge_job
from tests.dossiers.test_counters_recompute import world  # noqa: F401 (a fixture)
from tests.test_settings import read_settings

pytestmark = pytest.mark.django_db


def counters() -> dict[tuple, tuple[int, ...]]:
    rows = DailyCount.objects.values_list("unit_id", "procedure_id", "day", *COUNTERS)
    return {row[:3]: row[3:] for row in rows}


def due_at(moment: datetime) -> set[str]:
    """The periodic jobs the consumer starts at ``moment`` (huey keeps UTC as naive times)."""
    return {task.name for task in HUEY.read_periodic(moment.replace(tzinfo=None))}


def test_the_job_runs_every_minute_day_and_night() -> None:
    assert HUEY.immediate  # tests run tasks in the caller
    sunday_night = datetime(2026, 11, 29, 0, 0, tzinfo=UTC)
    minutes = [sunday_night + timedelta(minutes=n) for n in range(24 * 60 * 2)]  # Sun and Mon
    assert all("dossiers.rejudge" in due_at(moment) for moment in minutes)


def test_the_job_judges_a_dossier_late_once_its_deadline_passes(world, monkeypatch) -> None:  # noqa: F811
    units, _, system = world
    now = timezone.now().replace(microsecond=0)
    due = now + timedelta(hours=1)
    events_ingest(
        source_system=system,
        events=[
            {
                "event_id": "job-1",
                "dossier": "JOB-1",
                "kind": "received",
                "occurred_at": (now - timedelta(days=1)).isoformat(),
                "unit": units[0].code,
                "attributes": {"MaTTHC": "P1", "NgayHenTra": due.isoformat(), "KenhThucHien": 2},
            }
        ],
    )
    period = selectors.current_period()
    [before] = selectors.realtime_index(period, unit_code=units[0].code)
    assert sum(row[COUNTERS.index("late_started")] for row in counters().values()) == 0
    assert [i.numerator for i in before.indicators if i.number == "2.1"] == [1]

    dossiers_rejudge_job()  # before the deadline: nothing to judge
    assert sum(row[COUNTERS.index("late_started")] for row in counters().values()) == 0

    later = due + timedelta(minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    dossiers_rejudge_job()

    state = CounterState.objects.get()
    assert state.judged_until == later
    assert sum(row[COUNTERS.index("late_started")] for row in counters().values()) == 1
    selectors.clear_cache()
    [after] = selectors.realtime_index(period, unit_code=units[0].code)
    assert [(i.numerator, i.denominator) for i in after.indicators if i.number == "2.1"] == [(0, 1)]

    snapshot, version = counters(), state.version
    dossiers_rejudge_job()  # the same minute again: nothing changes
    assert counters() == snapshot
    assert CounterState.objects.get().version == version


def test_the_queue_is_an_sqlite_file_by_default_and_redis_when_configured(tmp_path) -> None:
    queue = tmp_path / "jobs" / "huey.sqlite3"
    default = read_settings("HUEY", GOVINDEX_ENV="development", GOVINDEX_HUEY_FILE=str(queue))
    assert {key: default["HUEY"][key] for key in ("huey_class", "filename", "immediate")} == {
        "huey_class": "huey.SqliteHuey",
        "filename": str(queue),
        "immediate": False,
    }
    assert queue.parent.is_dir()  # made for huey, which opens the file at start-up
    redis = read_settings(
        "HUEY",
        GOVINDEX_ENV="production",
        DJANGO_SECRET_KEY="x" * 50,
        DJANGO_ALLOWED_HOSTS="govindex.example",
        GOVINDEX_HUEY_REDIS_URL="redis://queue:6379/2",
    )
    assert {key: redis["HUEY"].get(key) for key in ("huey_class", "url", "filename")} == {
        "huey_class": "huey.RedisHuey",
        "url": "redis://queue:6379/2",
        "filename": None,
    }
    assert read_settings("HUEY", GOVINDEX_ENV="test")["HUEY"]["immediate"] is True
