"""Hypothesis strategies: random dossier stories (their facts and the events that tell them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from hypothesis import strategies as st

from govindex.dossiers.models import Status
from govindex.dossiers.rules import LOCAL_ZONE

START = datetime(2026, 11, 2, 7, 0, tzinfo=LOCAL_ZONE)
ENDINGS = {
    "processed": Status.PROCESSED,
    "result_returned": Status.RESULT_RETURNED,
    "refused": Status.REFUSED,
    "withdrawn": Status.WITHDRAWN,
}


@dataclass(frozen=True)
class Story:
    code: str
    unit: int  # index into the test's units
    procedure: int  # index into the test's procedures
    received_at: datetime
    due_at: datetime
    channel: int
    online_payment: int
    electronic_result: bool
    rating: int | None
    complained: bool
    requests: tuple[datetime, ...]
    supplied_at: datetime | None
    ending: str | None
    ended_at: datetime | None
    transfer_to: int | None


def _hours(draw, low: int, high: int) -> timedelta:
    return timedelta(minutes=draw(st.integers(low * 60, high * 60)))


@st.composite
def stories(draw, *, units: int = 2, procedures: int = 3, index: int = 0) -> Story:
    received = START + _hours(draw, 0, 24 * 40)
    due = received + _hours(draw, 0, 24 * 12)
    requests: list[datetime] = []
    supplied = None
    moment = received
    count = draw(st.sampled_from([0, 0, 0, 1, 1, 2]))
    if count >= 1:
        moment = moment + _hours(draw, 0, 24 * 8)
        requests.append(moment)
        if draw(st.booleans()) or count == 2:
            moment = moment + _hours(draw, 0, 24 * 10)
            supplied = moment
    if count == 2:
        moment = moment + _hours(draw, 0, 24 * 5)
        requests.append(moment)
    ending = draw(st.sampled_from([None, "processed", "result_returned", "refused", "withdrawn"]))
    ended = moment + _hours(draw, 0, 24 * 20) if ending else None
    return Story(
        code=f"S{index}-{draw(st.integers(0, 10**9))}",
        unit=draw(st.integers(0, units - 1)),
        procedure=draw(st.integers(0, procedures - 1)),
        received_at=received,
        due_at=due,
        channel=draw(st.sampled_from([1, 2, 3])),
        online_payment=draw(st.sampled_from([0, 1, 2])),
        electronic_result=draw(st.booleans()),
        rating=draw(st.sampled_from([None, 0, 1])),
        complained=draw(st.booleans()),
        requests=tuple(requests),
        supplied_at=supplied,
        ending=ending,
        ended_at=ended,
        transfer_to=draw(st.sampled_from([None, None, 0, 1][: units + 2])),
    )


def story_list(size: int = 25, **kwargs) -> st.SearchStrategy[list[Story]]:
    return st.lists(st.integers(0, 10**6), min_size=1, max_size=size, unique=True).flatmap(
        lambda keys: st.tuples(*(stories(index=key, **kwargs) for key in keys)).map(list)
    )


def events_of(story: Story, unit_codes: list[str], procedure_codes: list[str]) -> list[dict]:
    """The events that tell the story, in time order."""
    unit = unit_codes[story.unit]
    events = [
        {
            "event_id": f"{story.code}-received",
            "dossier": story.code,
            "kind": "received",
            "occurred_at": story.received_at.isoformat(),
            "unit": unit,
            "attributes": {
                "MaTTHC": procedure_codes[story.procedure],
                "NgayHenTra": story.due_at.isoformat(),
                "KenhThucHien": story.channel,
                "DuocThanhToanTrucTuyen": story.online_payment,
            },
        }
    ]
    if story.transfer_to is not None:
        events.append(
            {
                "event_id": f"{story.code}-transferred",
                "dossier": story.code,
                "kind": "transferred",
                "occurred_at": (story.received_at + timedelta(minutes=1)).isoformat(),
                "unit": unit_codes[story.transfer_to],
            }
        )
        unit = unit_codes[story.transfer_to]
    for number, moment in enumerate(story.requests):
        events.append(
            {
                "event_id": f"{story.code}-request-{number}",
                "dossier": story.code,
                "kind": "supplement_requested",
                "occurred_at": moment.isoformat(),
                "unit": unit,
            }
        )
        if number == 0 and story.supplied_at is not None:
            events.append(
                {
                    "event_id": f"{story.code}-supplied",
                    "dossier": story.code,
                    "kind": "supplement_received",
                    "occurred_at": story.supplied_at.isoformat(),
                    "unit": unit,
                }
            )
    if story.ending:
        events.append(
            {
                "event_id": f"{story.code}-{story.ending}",
                "dossier": story.code,
                "kind": story.ending,
                "occurred_at": story.ended_at.isoformat(),
                "unit": unit,
                "attributes": {
                    "CoKetQuaDienTu": story.electronic_result,
                    "DanhGiaHaiLong": story.rating,
                    "CoPhanAnhKienNghi": story.complained,
                },
            }
        )
    return events
