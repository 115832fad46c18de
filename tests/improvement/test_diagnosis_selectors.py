"""The unit's and the city's diagnosis on hand-built rounds (``tests/portal/dashboard_fixtures``).

2025 round (under appraisal, framework test-mini, 24 points for wards): Phường An Khánh (00001)
has plan 4/4, report appraised 5/6, satisfaction 60 % of an 80 % threshold → 4.5/6, online
75 % → 3/4, local 4/4: 20.5/24 = 85.42 % (class B, rank 2 of 3). Its other units: 00002 (every
criterion full, 100 %), SXD (a department: plan appraised 3/4, report 6/6, satisfaction 40 % →
3/6, online 50 % → 2/4; 14/20 = 70 %), 00004 (nothing entered, N/A).

00001 was formed from 00091 and 00092, scored in the published 2024 round: plan 2 and 4, report
6 and 3, satisfaction 80 % → 6 and 40 % → 3, online 4 and 4, local 4 and 2 — means 3, 4.5, 4.5,
4, 3.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_django.fixtures import Settings

from govindex.assessments.models import NodeResult, UnitResult
from govindex.errors import ApplicationError
from govindex.improvement.diagnosis import (
    NoResult,
    city_diagnosis,
    round_data,
    unit_diagnosis,
)
from govindex.scoring.diagnosis import Thresholds
from tests.factories import PublishedResultFactory
from tests.portal.dashboard_fixtures import Dashboards, build_dashboards

FRAMEWORKS = Path(__file__).resolve().parent.parent / "fixtures" / "frameworks"
EXACT = 1e-9


@pytest.fixture
def world(db: None, settings: Settings) -> Dashboards:
    settings.GOVINDEX_FRAMEWORKS_DIR = FRAMEWORKS
    return build_dashboards()


def test_the_unit_diagnosis_has_every_number_of_each_criterion(world: Dashboards) -> None:
    found = unit_diagnosis(world.provisional, world.units["00001"], language="en")

    # Stored result: 20.5 / 24 = 85.42 %, class B, rank 2 of the 3 ranked units.
    assert (found.score, found.band, found.band_name, found.rank, found.ranked_count) == (
        pytest.approx(85.416666666, abs=1e-6),
        "B",
        "Good",
        2,
        3,
    )
    assert found.stale is False
    # Points at stake (percentage points of 24): satisfaction 60 → 80 % adds 1.5 points → 6.25;
    # report 5 → 6 and online 75 → 100 % add 1 point each → 4.1667 (equal gaps of 1: framework
    # order); plan and local are full (0).
    assert [row.leaf_id for row in found.criteria] == [
        "a2.satisfaction",
        "a1.report",
        "a2.online",
        "a1.plan",
        "a3.local",
    ]
    rows = {row.leaf_id: row for row in found.criteria}
    assert [rows[key].points_at_stake for key in rows] == pytest.approx(
        [6.25, 100 / 24, 100 / 24, 0.0, 0.0], abs=EXACT
    )
    satisfaction = rows["a2.satisfaction"]
    assert (satisfaction.name, satisfaction.area_number, satisfaction.area_name) == (
        "Satisfaction",
        2,
        "Results",
    )
    assert (satisfaction.value, satisfaction.points, satisfaction.max_points) == (60.0, 4.5, 6.0)
    assert (satisfaction.gap, satisfaction.share, satisfaction.status) == (1.5, 0.75, "partly")
    assert satisfaction.status_label == "Partly achieved"
    # Shares on satisfaction: 00002 1, 00001 .75, SXD .5 → rank 2 of 3; best other: 00002, 6.
    assert (satisfaction.rank, satisfaction.ranked) == (2, 3)
    assert (
        satisfaction.best_peer_code,
        satisfaction.best_peer_name,
        satisfaction.best_peer_points,
        satisfaction.best_peer_count,
    ) == ("00002", "Binh Minh Commune", 6.0, 1)
    # report: 5 of 6 (appraised, not the self-assessed 6); 00002 and SXD have 6: rank 3 of 3.
    report = rows["a1.report"]
    assert (report.points, report.status, report.rank, report.best_peer_count) == (
        5.0,
        "partly",
        3,
        2,
    )
    # local applies to wards and communes only: ranked among 00001 and 00002.
    assert (rows["a3.local"].status, rows["a3.local"].rank, rows["a3.local"].ranked) == (
        "achieved",
        1,
        2,
    )


def test_the_change_is_against_the_mean_of_the_units_it_was_formed_from(
    world: Dashboards,
) -> None:
    found = unit_diagnosis(world.provisional, world.units["00001"])

    assert found.previous_round == world.published
    assert found.comparison_basis == "predecessors"
    assert [unit.code for unit in found.comparison_units] == ["00091", "00092"]
    # plan 4 − 3, report 5 − 4.5, satisfaction 4.5 − 4.5, online 3 − 4, local 4 − 3.
    changes = {row.leaf_id: row.change for row in found.criteria}
    assert changes == {
        "a1.plan": 1.0,
        "a1.report": 0.5,
        "a2.satisfaction": 0.0,
        "a2.online": -1.0,
        "a3.local": 1.0,
    }


def test_a_unit_that_was_in_the_earlier_round_compares_with_itself(world: Dashboards) -> None:
    found = unit_diagnosis(world.provisional, world.units["SXD"])

    # 2024: plan 4, report 6, satisfaction 80 % → 6, online 50 % → 2; 2025: plan 3 (appraised),
    # report 6, satisfaction 40 % → 3, online 2. A department has no a3.local.
    assert (found.comparison_basis, [unit.code for unit in found.comparison_units]) == (
        "own",
        ["SXD"],
    )
    assert {row.leaf_id: row.change for row in found.criteria} == {
        "a1.plan": -1.0,
        "a1.report": 0.0,
        "a2.satisfaction": -3.0,
        "a2.online": 0.0,
    }


def test_no_change_when_the_viewer_may_not_compare_with_the_earlier_round(
    world: Dashboards,
) -> None:
    found = unit_diagnosis(world.provisional, world.units["SXD"], earlier_rounds=[])

    assert (found.previous_round, found.comparison_basis) == (None, "")
    assert {row.change for row in found.criteria} == {None}


def test_thresholds_come_from_the_settings_or_the_arguments(
    world: Dashboards, settings: Settings
) -> None:
    settings.GOVINDEX_DIAGNOSIS_ACHIEVED = 0.8
    settings.GOVINDEX_DIAGNOSIS_PARTLY = 0.75

    from_settings = unit_diagnosis(world.provisional, world.units["00001"])
    from_arguments = unit_diagnosis(
        world.provisional, world.units["00001"], achieved_at=1.0, partly_at=0.9
    )

    # report 5/6 = .83, satisfaction .75, online .75
    statuses = {row.leaf_id: row.status for row in from_settings.criteria}
    assert (statuses["a1.report"], statuses["a2.satisfaction"], statuses["a2.online"]) == (
        "achieved",
        "partly",
        "partly",
    )
    assert from_settings.thresholds == Thresholds(achieved=0.8, partly=0.75)
    statuses = {row.leaf_id: row.status for row in from_arguments.criteria}
    assert (statuses["a1.report"], statuses["a2.satisfaction"]) == ("not_achieved", "not_achieved")
    with pytest.raises(ApplicationError, match="thresholds are not usable"):
        unit_diagnosis(world.provisional, world.units["00001"], achieved_at=0.4, partly_at=0.5)


def test_the_diagnosis_agrees_with_the_stored_results(world: Dashboards) -> None:
    # Scored again from the entries as round_compute scores them: every leaf's points and rank
    # equal the stored NodeResults of every unit, and the headline scores the UnitResults.
    data = round_data(world.provisional, world.units["00001"])
    scores = data.inputs.base
    stored = {
        (result.unit.code, node.node_id): node
        for result in UnitResult.objects.filter(round=world.provisional).select_related("unit")
        for node in NodeResult.objects.filter(unit_result=result)
    }
    compared = 0
    for code in scores.units:
        unit = scores.unit(code)
        result = UnitResult.objects.get(round=world.provisional, unit__code=code)
        assert unit.score == (None if result.score is None else pytest.approx(result.score))
        for leaf_id in data.framework.leaf_ids:
            node, fresh = stored[(code, leaf_id)], unit.nodes[leaf_id]
            assert (fresh.points, fresh.rank, fresh.applicable) == (
                node.points,
                node.rank,
                node.applicable,
            )
            compared += 1
    assert compared == 4 * 5


def test_changed_entries_make_the_diagnosis_say_its_headline_is_stale(world: Dashboards) -> None:
    from govindex.assessments.models import Entry

    Entry.objects.filter(
        round=world.provisional, unit=world.units["00001"], leaf_id="a2.online"
    ).update(data_value=100)

    found = unit_diagnosis(world.provisional, world.units["00001"])

    # The stored result stays 85.42 until the round is computed again; online is now full.
    assert found.stale is True
    assert found.score == pytest.approx(85.416666666, abs=1e-6)
    assert {row.leaf_id: row.status for row in found.criteria}["a2.online"] == "achieved"


def test_a_unit_without_a_result_has_no_diagnosis(world: Dashboards) -> None:
    with pytest.raises(NoResult):
        unit_diagnosis(world.draft, world.units["00001"])
    with pytest.raises(NoResult):
        unit_diagnosis(world.provisional, world.units["SNV"])


# --- the city on the official indices ---------------------------------------------------------

PCI_LEAVES = (
    "entry_costs",
    "land_access",
    "transparency",
    "time_costs",
    "informal_charges",
    "equal_competition",
    "proactivity",
    "business_support",
    "labour_training",
    "legal_institutions",
)


def pci(**values: float) -> dict[str, float]:
    return {leaf: values.get(leaf, 6.0) for leaf in PCI_LEAVES}


@pytest.fixture
def indices(db: None) -> None:
    # 2019: the city at 7 on every sub-index (PCI = Σ weight × 7 / 10 = 70); X better on
    # transparency (8), Y on business support (9), both at 6 elsewhere. 2020: the city's
    # headline only. PGI: a headline for the city alone.
    PublishedResultFactory(
        year=2019,
        territory="Hà Nội",
        score=70.0,
        rank=9,
        sub_scores=pci(**dict.fromkeys(PCI_LEAVES, 7.0)),
    )
    PublishedResultFactory(
        year=2019, territory="X", score=62.0, rank=20, sub_scores=pci(transparency=8.0)
    )
    PublishedResultFactory(
        year=2019, territory="Y", score=66.0, rank=14, sub_scores=pci(business_support=9.0)
    )
    PublishedResultFactory(year=2020, territory="Hà Nội", score=71.5, rank=8, sub_scores={})
    PublishedResultFactory(
        framework_id="pgi-vcci", year=2023, territory="Hà Nội", score=21.95, rank=63, sub_scores={}
    )


def test_the_city_diagnosis_compares_each_sub_index_with_the_best_province(indices: None) -> None:
    found = {index.framework_id: index for index in city_diagnosis(language="en")}

    assert sorted(found) == ["pci-vcci", "pgi-vcci"]
    pci_index = found["pci-vcci"]
    # Latest year 2020: 71.5, +1.5 on 2019; nobody else recorded in 2020.
    assert (pci_index.year, pci_index.score, pci_index.rank, pci_index.previous_year) == (
        2020,
        71.5,
        8,
        2019,
    )
    assert pci_index.change == pytest.approx(1.5, abs=EXACT)
    assert (pci_index.best_territory, pci_index.best_score, pci_index.territories) == (
        None,
        None,
        0,
    )
    # Sub-indices from 2019 against X and Y. Business support: Y 9 − 7 = 2, weight 20 % →
    # 20 × 2 / 10 = 4 index points; transparency: X 8 − 7 = 1, weight 20 % → 2 points. On every
    # other sub-index the city (7) leads the best province (6): gap −1, nothing at stake.
    assert (pci_index.breakdown_year, pci_index.breakdown_territories) == (2019, 2)
    rows = pci_index.rows
    assert [(row.key, row.best_territory, row.best_value) for row in rows[:2]] == [
        ("business_support", "Y", 9.0),
        ("transparency", "X", 8.0),
    ]
    assert [row.index_points_at_stake for row in rows[:2]] == pytest.approx([4.0, 2.0], abs=EXACT)
    assert [row.gap for row in rows[:2]] == pytest.approx([2.0, 1.0], abs=EXACT)
    assert rows[0].name == "Business support services"
    others = rows[2:]
    assert len(others) == 8
    assert {(row.gap, row.index_points_at_stake, row.best_count) for row in others} == {
        (-1.0, 0.0, 2)
    }
    assert {row.change for row in rows} == {None}  # no earlier year with sub-indices


def test_an_index_with_only_the_city_recorded_invents_no_comparison(indices: None) -> None:
    (pgi,) = city_diagnosis(framework_id="pgi-vcci")

    assert (pgi.year, pgi.score, pgi.rank, pgi.change, pgi.best_territory) == (
        2023,
        21.95,
        63,
        None,
        None,
    )
    assert (pgi.breakdown_year, pgi.rows) == (None, [])
