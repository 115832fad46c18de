"""The recompute's frame arithmetic: Hanoi day keys from a fixed UTC+7 offset equal the zone
database's, and the packed grouping key gives the rows the three-column key gives."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from govindex.calendars.working_days import VIETNAM_ZONE, fixed_utc_offset
from govindex.dossiers import frames
from govindex.dossiers.frames import (
    DOSSIER_SCHEMA,
    LOCAL_OFFSET,
    UTC_TIME,
    counter_frame,
    local_day,
    procedure_frame,
    with_late_from,
)
from govindex.dossiers.rules import local_day as rules_local_day
from tests.dossiers.strategies import START, story_list
from tests.dossiers.test_frames import PROCEDURES, facts_of


def test_hanoi_has_kept_utc_plus_7_since_1976() -> None:
    assert fixed_utc_offset(VIETNAM_ZONE, 1976, 2100) == LOCAL_OFFSET == 7 * 3_600_000_000


@settings(max_examples=100, deadline=None)
@given(
    moments=st.lists(
        st.datetimes(
            min_value=datetime(1976, 1, 1),  # noqa: DTZ001 (hypothesis bounds are naive)
            max_value=datetime(2100, 12, 31),  # noqa: DTZ001
            timezones=st.just(UTC),
        ),
        max_size=50,
    )
)
def test_day_keys_equal_the_zone_databases_days(moments) -> None:
    frame = pl.DataFrame({"at": moments}, schema={"at": UTC_TIME})
    got = frame.select(local_day("at"))["at"].to_list()
    assert got == [rules_local_day(moment) for moment in moments]
    assert (
        got
        == frame.select(pl.col("at").dt.convert_time_zone(frames.LOCAL).dt.date())["at"].to_list()
    )


def dossier_frame(stories, unit_ids: list[int]) -> pl.DataFrame:
    facts = [facts_of(story) for story in stories]
    rows = []
    for i, fact in enumerate(facts):
        row = {name: getattr(fact, name) for name in DOSSIER_SCHEMA if name != "code"}
        row["unit_id"] = unit_ids[fact.unit_id - 1]
        rows.append({"code": str(i), **row})
    return pl.DataFrame(rows, schema=DOSSIER_SCHEMA)


@settings(max_examples=40, deadline=None)
@given(stories=story_list(30), judged_days=st.integers(0, 60))
def test_ids_too_spread_to_pack_give_the_same_rows(calendar, stories, judged_days) -> None:
    judged_until = START + timedelta(days=judged_days)
    procedures = procedure_frame(PROCEDURES)
    # Each story also on the other unit, so that both units are always present.
    stories = [*stories, *(replace(story, unit=1 - story.unit) for story in stories)]
    near = with_late_from(dossier_frame(stories, [1, 2]), calendar)
    far = with_late_from(dossier_frame(stories, [1, 2**45]), calendar)
    assert frames._packed_key(near) is not None
    assert frames._packed_key(far) is None  # 2⁴⁵ units × 3 procedures do not fit in 63 bits
    packed = counter_frame(near, procedures, judged_until)
    unpacked = counter_frame(far, procedures, judged_until)
    assert (
        unpacked.with_columns(pl.col("unit_id").replace(2**45, 2)).sort(frames.KEY).equals(packed)
    )
    assert packed.equals(packed.sort(frames.KEY))
    assert counter_frame(near.lazy(), procedures, judged_until).equals(packed)


def test_an_empty_frame_gives_no_rows(calendar) -> None:
    empty = with_late_from(frames.empty_dossier_frame().drop("late_from"), calendar)
    counts = counter_frame(empty, procedure_frame(PROCEDURES), START)
    assert counts.height == 0
    assert counts.columns == [*frames.KEY, *frames.COUNTERS]
    assert counts.schema["day"] == pl.Date


def test_a_dossier_waiting_over_tet_is_late_from_the_moved_appointment(calendar) -> None:
    """Received Mon 20 Jan 2025, due Thu 23 Jan 17:00; supplement asked Wed 22 Jan 16:00 and
    received Tue 4 Feb 09:00: the wait holds 1 h (Wed) + 8 h (Thu) + 8 h (Fri 24) + 1 h
    (Tue 4 Feb; Tết is 25 Jan – 2 Feb, Mon 3 Feb worked: 8 h) = 26 office hours, so the
    appointment moves from Thu 23 Jan 17:00 by 26 h: Fri 24 (8), Mon 3 Feb (8), Tue 4 (8),
    Wed 5 Feb 10:00 (2)."""
    hanoi = VIETNAM_ZONE
    row = {
        "code": "T1",
        "unit_id": 1,
        "unit_code": "U0",
        "procedure_id": 1,
        "received_at": datetime(2025, 1, 20, 9, tzinfo=hanoi),
        "due_at": datetime(2025, 1, 23, 17, tzinfo=hanoi),
        "status": 2,
        "channel": 2,
        "online_payment": 0,
        "supplement_count": 1,
        "supplement_requested_at": datetime(2025, 1, 22, 16, tzinfo=hanoi),
        "supplement_received_at": datetime(2025, 2, 4, 9, tzinfo=hanoi),
    }
    frame = with_late_from(pl.DataFrame([row], schema=DOSSIER_SCHEMA), calendar)
    assert (
        calendar.working_hours_between(
            row["supplement_requested_at"], row["supplement_received_at"]
        )
        == 26.0
    )
    assert frame["late_from"].to_list() == [datetime(2025, 2, 5, 3, tzinfo=UTC)]  # 10:00 Hanoi
