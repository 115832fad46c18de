"""The frame rules (imports, recompute) agree with the one-dossier rules on random dossiers."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from govindex.dossiers.frames import DOSSIER_SCHEMA, counter_frame, procedure_frame, with_late_from
from govindex.dossiers.models import COUNTERS
from govindex.dossiers.rules import DossierFacts, ProcedureFacts, contributions, late_from
from tests.dossiers.strategies import ENDINGS, START, story_list

PROCEDURES = [(1, 0, False, "partial"), (2, 20_000, True, "none"), (3, 5_000, False, "full")]
FACTS = {
    pid: ProcedureFacts(has_fee=fee > 0, paper_result_required=paper, full_online=level == "full")
    for pid, fee, paper, level in PROCEDURES
}


def facts_of(story) -> DossierFacts:
    requests = story.requests
    return DossierFacts(
        unit_id=story.unit + 1,
        unit_code=f"U{story.unit}",
        procedure_id=story.procedure + 1,
        received_at=story.received_at,
        due_at=story.due_at,
        finished_at=story.ended_at,
        status=int(ENDINGS[story.ending]) if story.ending else 2,
        channel=story.channel,
        online_payment=story.online_payment,
        electronic_result=story.electronic_result,
        digitised=story.complained,
        reused_data=story.electronic_result and story.complained,
        rating=story.rating,
        complained=story.complained,
        supplement_count=len(requests),
        supplement_requested_at=requests[0] if requests else None,
        supplement_received_at=story.supplied_at,
        second_supplement_at=requests[1] if len(requests) > 1 else None,
        applicant_locality=["", "U0", "U1"][story.procedure],
    )


@settings(max_examples=60, deadline=None)
@given(stories=story_list(30), judged_days=st.integers(0, 60))
def test_counter_frame_equals_the_one_dossier_rules(calendar, stories, judged_days) -> None:
    judged_until = START + timedelta(days=judged_days)
    facts = [facts_of(story) for story in stories]
    expected: Counter[tuple] = Counter()
    for fact in facts:
        late = late_from(fact, calendar)
        for day, name in contributions(fact, FACTS[fact.procedure_id], late, judged_until):
            expected[(fact.unit_id, fact.procedure_id, day, name)] += 1

    frame = pl.DataFrame(
        [
            {
                "code": str(i),
                **{name: getattr(fact, name) for name in DOSSIER_SCHEMA if name != "code"},
            }
            for i, fact in enumerate(facts)
        ],
        schema=DOSSIER_SCHEMA,
    )
    frame = with_late_from(frame, calendar)
    got: Counter[tuple] = Counter()
    for row in counter_frame(frame, procedure_frame(PROCEDURES), judged_until).iter_rows(
        named=True
    ):
        for name in COUNTERS:
            if row[name]:
                got[(row["unit_id"], row["procedure_id"], row["day"], name)] += row[name]

    assert got == expected
    by_code = dict(zip(frame["code"], frame["late_from"], strict=True))
    assert [by_code[str(i)] for i in range(len(facts))] == [late_from(f, calendar) for f in facts]
