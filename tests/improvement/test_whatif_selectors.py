"""What-if and the path to a target for a unit of a stored round, against a real recomputation.

00001 in the 2025 round (see test_diagnosis_selectors): 20.5 / 24 = 85.42 %, class B, rank 2 of
3 (00002 has 100 %, SXD 70 %, 00004 no score).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_django.fixtures import Settings

from govindex.assessments.models import Entry, UnitResult
from govindex.assessments.services import round_compute
from govindex.errors import ApplicationError
from govindex.improvement.whatif import unit_path_to, unit_what_if
from tests.portal.dashboard_fixtures import Dashboards, build_dashboards

FRAMEWORKS = Path(__file__).resolve().parent.parent / "fixtures" / "frameworks"
EXACT = 1e-9


@pytest.fixture
def world(db: None, settings: Settings) -> Dashboards:
    settings.GOVINDEX_FRAMEWORKS_DIR = FRAMEWORKS
    return build_dashboards()


def test_what_if_equals_computing_the_round_with_the_changed_entries(world: Dashboards) -> None:
    unit = world.units["00001"]

    result = unit_what_if(
        world.provisional, unit, {"a2.satisfaction": 80, "a1.report": 6}, language="en"
    )

    # satisfaction 80 % → 6 points (+1.5), report 6 (+1): 23 / 24 = 95.83 %, class A; still
    # second behind 00002's 100 %.
    assert (result.score_before, result.score_after) == pytest.approx(
        (20.5 / 24 * 100, 23 / 24 * 100), abs=EXACT
    )
    assert (result.band_before.name, result.band_after.name, result.band_after.level) == (
        "Good",
        "Excellent",
        1,
    )
    assert (result.rank_before, result.rank_after, result.ranked) == (2, 2, 3)
    assert [(c.leaf_id, c.name, c.value_before, c.value_after) for c in result.changes] == [
        ("a1.report", "Reports", 5.0, 6.0),
        ("a2.satisfaction", "Satisfaction", 60.0, 80.0),
    ]
    # The same change made for real: the entries changed and the round computed again.
    Entry.objects.filter(round=world.provisional, unit=unit, leaf_id="a2.satisfaction").update(
        survey_value=80
    )
    Entry.objects.filter(round=world.provisional, unit=unit, leaf_id="a1.report").update(
        appraised_value=6
    )
    round_compute(round=world.provisional, actor=None)
    stored = UnitResult.objects.get(round=world.provisional, unit=unit)
    assert (stored.score, stored.band, stored.rank) == (result.score_after, "A", result.rank_after)


def test_what_if_refuses_values_outside_a_criterions_range(world: Dashboards) -> None:
    with pytest.raises(ApplicationError) as caught:
        unit_what_if(world.provisional, world.units["00001"], {"a1.plan": 7})

    assert caught.value.status == 422
    assert "00001 / a1.plan: 7 is outside 0–4 (expected points between 0 and 4)" in (
        caught.value.message
    )
    with pytest.raises(ApplicationError, match=r"a3\.local does not apply to SXD"):
        unit_what_if(world.provisional, world.units["SXD"], {"a3.local": 4})


def test_the_path_to_class_a_is_the_criterion_with_most_at_stake(world: Dashboards) -> None:
    path = unit_path_to(world.provisional, world.units["00001"], "A", language="en")

    # satisfaction to 80 %: 22 / 24 = 91.67 % ≥ 90.
    assert (path.reachable, path.already, path.target_label) == (True, False, "Excellent")
    assert [(step.leaf_id, step.value_before, step.value_after) for step in path.steps] == [
        ("a2.satisfaction", 60.0, 80.0)
    ]
    assert path.steps[0].gain == pytest.approx(6.25, abs=EXACT)
    assert path.values == {"a2.satisfaction": 80.0}
    assert path.result.score_after == pytest.approx(22 / 24 * 100, abs=EXACT)


def test_the_path_to_the_top_takes_every_criterion_short_of_full_points(
    world: Dashboards,
) -> None:
    path = unit_path_to(world.provisional, world.units["00001"], 1, language="en")

    # 00002 has 100 %: satisfaction (+6.25), then report and online (+4.17 each; report first in
    # framework order) bring 00001 to 24 / 24, tied first.
    assert [step.leaf_id for step in path.steps] == ["a2.satisfaction", "a1.report", "a2.online"]
    assert (path.result.score_after, path.result.rank_after) == (100.0, 1)
    assert path.target_label == "Top 1"


def test_a_target_that_is_not_a_class_is_refused(world: Dashboards) -> None:
    with pytest.raises(ApplicationError, match=r"'Z' is not a class of test-mini"):
        unit_path_to(world.provisional, world.units["00001"], "Z")
