from __future__ import annotations

import datetime as dt

import pytest

from govindex.orgs.models import UnitKind
from govindex.orgs.selectors import unit_predecessors, unit_successors, units_active_on
from govindex.orgs.services import unit_reorganise
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def history():
    """2020: wards W1 + W2 → ward W2020. 2025: districts D1, D2 and ward W2020 → ward W2025."""
    w1 = UnitFactory(code="W1", active_from=None)
    w2 = UnitFactory(code="W2", active_from=None)
    w2020 = UnitFactory(code="W2020", active_from=None)
    d1 = UnitFactory(code="D1", kind=UnitKind.DISTRICT, active_from=None)
    d2 = UnitFactory(code="D2", kind=UnitKind.DISTRICT, active_from=None)
    w2025 = UnitFactory(code="W2025", active_from=None)
    unit_reorganise(
        predecessors=[w1, w2], successor=w2020, date=dt.date(2020, 1, 1), kind="merge", actor=None
    )
    unit_reorganise(
        predecessors=[d2, d1, w2020],
        successor=w2025,
        date=dt.date(2025, 7, 1),
        kind="merge",
        actor=None,
    )
    return {unit.code: unit for unit in (w1, w2, w2020, d1, d2, w2025)}


def codes(units):
    return [unit.code for unit in units]


def test_predecessors_over_two_levels_nearest_first(history, django_assert_num_queries):
    with django_assert_num_queries(3):  # one per generation, and one that finds no more
        found = unit_predecessors(history["W2025"])

    assert codes(found) == ["D1", "D2", "W2020", "W1", "W2"]


def test_predecessors_of_a_middle_unit_and_of_a_first_unit(history):
    assert codes(unit_predecessors(history["W2020"])) == ["W1", "W2"]
    assert unit_predecessors(history["W1"]) == []


def test_successors_follow_the_history_forward(history):
    assert codes(unit_successors(history["W1"])) == ["W2020", "W2025"]
    assert codes(unit_successors(history["D1"])) == ["W2025"]
    assert unit_successors(history["W2025"]) == []


def test_reorganisation_sets_who_is_active_when(history):
    assert codes(units_active_on(dt.date(2019, 12, 31))) == ["D1", "D2", "W1", "W2"]
    assert codes(units_active_on(dt.date(2024, 1, 1))) == ["D1", "D2", "W2020"]
    assert codes(units_active_on(dt.date(2025, 7, 1))) == ["W2025"]
    assert codes(units_active_on(dt.date(2024, 1, 1), kinds=["district"])) == ["D1", "D2"]
