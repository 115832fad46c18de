"""Hand-computed cases of the one-dossier rules (Decision 766 indicator 2.1 and the counters)."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import date, datetime

from govindex.dossiers.models import Status
from govindex.dossiers.rules import (
    LOCAL_ZONE,
    DossierFacts,
    ProcedureFacts,
    contributions,
    late_from,
    on_time,
)


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=LOCAL_ZONE)


PLAIN = ProcedureFacts(has_fee=False, paper_result_required=False, full_online=False)
BASE = DossierFacts(
    unit_id=1,
    unit_code="00004",
    procedure_id=1,
    received_at=at(2025, 1, 20, 8),
    due_at=at(2025, 1, 23, 17),
    finished_at=None,
    status=int(Status.IN_PROGRESS),
    channel=1,
)


def test_a_supplement_wait_across_tet_moves_the_deadline_by_its_office_hours(calendar) -> None:
    # Waiting from Wed 22 Jan 10:00 to Tue 4 Feb 10:00, 2025: 6 h (22 Jan) + 8 h (23 Jan) + 8 h
    # (Fri 24 Jan) + nothing from Sat 25 Jan to Sun 2 Feb (weekend and Tết, 27–31 Jan) + 8 h
    # (Mon 3 Feb) + 2 h (4 Feb) = 32 office hours. The appointment, Thu 23 Jan 17:00, moves by
    # 32 office hours: 24 Jan, 3, 4 and 5 Feb → Wed 5 Feb 17:00.
    facts = replace(
        BASE,
        supplement_count=1,
        supplement_requested_at=at(2025, 1, 22, 10),
        supplement_received_at=at(2025, 2, 4, 10),
    )

    late = late_from(facts, calendar)

    assert late == at(2025, 2, 5, 17)
    finished = replace(facts, finished_at=at(2025, 2, 5, 16), status=int(Status.PROCESSED))
    assert on_time(finished, late) is True
    finished_late = replace(facts, finished_at=at(2025, 2, 6, 9), status=int(Status.PROCESSED))
    assert on_time(finished_late, late) is False


def test_a_wait_still_open_stops_the_clock(calendar) -> None:
    facts = replace(BASE, supplement_count=1, supplement_requested_at=at(2025, 1, 22, 10))

    assert late_from(facts, calendar) is None


def test_a_wait_that_began_after_the_deadline_does_not_move_it(calendar) -> None:
    facts = replace(
        BASE,
        supplement_count=1,
        supplement_requested_at=at(2025, 1, 24, 9),
        supplement_received_at=at(2025, 2, 4, 10),
    )

    assert late_from(facts, calendar) == at(2025, 1, 23, 17)


def test_a_second_supplement_request_makes_the_dossier_late_even_before_the_deadline(
    calendar,
) -> None:
    facts = replace(
        BASE,
        supplement_count=2,
        supplement_requested_at=at(2025, 1, 20, 9),
        supplement_received_at=at(2025, 1, 20, 11),
        second_supplement_at=at(2025, 1, 21, 9),
        finished_at=at(2025, 1, 21, 15),
        status=int(Status.PROCESSED),
    )

    late = late_from(facts, calendar)

    assert late == at(2025, 1, 21, 9)
    assert on_time(facts, late) is False
    counts = Counter(contributions(facts, PLAIN, late, at(2025, 1, 21, 0)))
    assert counts[(date(2025, 1, 21), "finished")] == 1
    assert counts[(date(2025, 1, 21), "finished_on_time")] == 0
    assert counts[(date(2025, 1, 21), "late_started")] == 1
    assert counts[(date(2025, 1, 21), "late_closed")] == 1


def test_finishing_exactly_at_the_deadline_is_on_time(calendar) -> None:
    facts = replace(BASE, finished_at=BASE.due_at, status=int(Status.RESULT_RETURNED))

    late = late_from(facts, calendar)

    assert on_time(facts, late) is True
    assert on_time(replace(facts, finished_at=at(2025, 1, 23, 17, 0, 1)), late) is False


def test_an_open_dossier_counts_as_late_only_once_judged_past_its_deadline(calendar) -> None:
    late = late_from(BASE, calendar)
    before = Counter(contributions(BASE, PLAIN, late, at(2025, 1, 23, 16)))
    after = Counter(contributions(BASE, PLAIN, late, at(2025, 1, 24, 8)))

    assert before[(date(2025, 1, 23), "late_started")] == 0
    assert after[(date(2025, 1, 23), "late_started")] == 1
    assert after[(date(2025, 1, 20), "opened")] == 1
    assert sum(after.values()) == 3  # received, opened, late_started


def test_counters_of_an_online_fee_bearing_dossier_with_an_electronic_result(calendar) -> None:
    procedure = ProcedureFacts(has_fee=True, paper_result_required=True, full_online=True)
    facts = replace(
        BASE,
        channel=2,
        online_payment=2,
        electronic_result=True,
        digitised=True,
        rating=0,
        applicant_locality="00007",
        finished_at=at(2025, 1, 22, 10),
        status=int(Status.RESULT_RETURNED),
    )

    counts = Counter(contributions(facts, procedure, late_from(facts, calendar), at(2025, 2, 1)))

    received, ended = date(2025, 1, 20), date(2025, 1, 22)
    assert {name for (day, name) in counts if day == received} == {
        "received",
        "opened",
        "online_channel",
        "online",
        "paperless",
        "contactless",
        "fee_bearing",
        "paid_online",
        "digitised",
        "locality_known",
        "boundary_free",
    }
    assert {name for (day, name) in counts if day == ended} == {
        "closed",
        "finished",
        "finished_on_time",
        "result_required",
        "result_electronic",
        "rated_unsatisfied",
    }


def test_online_without_the_required_electronic_result_is_not_an_online_dossier(calendar) -> None:
    procedure = ProcedureFacts(has_fee=False, paper_result_required=True, full_online=False)
    facts = replace(BASE, channel=2, digitised=True)

    names = {name for _, name in contributions(facts, procedure, None, at(2025, 1, 1))}

    assert "online_channel" in names
    assert "online" not in names
    assert "digitised" not in names
