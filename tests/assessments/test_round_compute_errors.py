from __future__ import annotations

import pytest

from govindex.assessments.models import RoundComputation, UnitResult
from govindex.assessments.services import round_compute
from govindex.audit.models import AuditRecord
from govindex.errors import ApplicationError
from tests.factories import EntryFactory, RoundFactory, RoundUnitFactory

pytestmark = pytest.mark.django_db


def compute_error(round) -> ApplicationError:
    with pytest.raises(ApplicationError) as raised:
        round_compute(round=round, actor=None)
    return raised.value


def assert_nothing_written(round):
    assert not UnitResult.objects.filter(round=round).exists()
    assert not RoundComputation.objects.filter(round=round).exists()
    assert not AuditRecord.objects.filter(action="round.compute").exists()


def test_a_framework_version_mismatch_is_refused(mini_round):
    round = mini_round.round
    round.framework_version = "2024"
    round.save()

    error = compute_error(round)

    assert (error.code, error.status) == ("framework_version_mismatch", 409)
    assert error.message == (
        "Round 'Mini 2025' uses version '2024' of framework 'test-mini', but the framework file "
        "holds version '2025'. Score it with the matching file."
    )
    assert_nothing_written(round)


def test_a_missing_framework_file_is_refused():
    round = RoundFactory(framework_id="no-such-index")
    RoundUnitFactory(round=round)

    error = compute_error(round)

    assert error.code == "framework_unavailable"
    assert "no framework file no-such-index.yaml (known: test-mini)" in error.message


def test_a_round_without_units_is_refused():
    round = RoundFactory(name="Empty")

    error = compute_error(round)

    assert (error.code, error.message) == (
        "round_has_no_units",
        "Round 'Empty' has no units to score; add its units first.",
    )
    assert_nothing_written(round)


def test_values_out_of_range_are_listed_by_unit_and_leaf(mini_round):
    entry = mini_round.round.entries.get(unit__code="00003", leaf_id="a1.plan")
    entry.self_value = 5  # written around the validation, as a raw import might
    entry.save()

    error = compute_error(mini_round.round)

    assert (error.code, error.status) == ("values_out_of_range", 422)
    assert "00003 / a1.plan: 5 is outside 0–4" in error.message
    assert_nothing_written(mini_round.round)


def test_entries_for_leaves_the_framework_lacks_are_refused(mini_round):
    EntryFactory(round=mini_round.round, unit=mini_round.units["00001"], leaf_id="a9.gone")

    error = compute_error(mini_round.round)

    assert error.code == "unknown_leaves"
    assert error.message.endswith("does not have: a9.gone.")


def test_a_failed_recompute_keeps_the_previous_results(mini_round):
    round_compute(round=mini_round.round, actor=None)
    round = mini_round.round
    round.framework_version = "2024"
    round.save()

    compute_error(round)

    assert UnitResult.objects.filter(round=round).count() == 5
    assert RoundComputation.objects.filter(round=round).count() == 1
