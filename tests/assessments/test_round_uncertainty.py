"""``round_uncertainty_compute``: rank intervals and sensitivity of a scored round, stored and
audited; refused without results, with bad settings, or when the results are out of date. The
selector ``round_rank_intervals`` and the ``govindex uncertainty`` command."""

from __future__ import annotations

import pytest

from govindex.assessments.models import (
    Entry,
    RankInterval,
    RoundComputation,
    RoundState,
    UncertaintyRun,
)
from govindex.assessments.selectors import round_rank_intervals
from govindex.assessments.services import round_compute, round_uncertainty_compute
from govindex.audit.models import AuditRecord
from govindex.cli import main
from govindex.errors import ApplicationError
from tests.assessments.conftest import MiniRound
from tests.factories import RoundFactory, RoundUnitFactory, UserFactory

pytestmark = pytest.mark.django_db

EXACT = {"weights": "none", "normalisations": ("official",), "imputations": ("official",)}


def intervals(run: UncertaintyRun) -> list[tuple[str, int, int, int, int]]:
    return [
        (i.unit.code, i.official_rank, i.median_rank, i.low_rank, i.high_rank)
        for i in run.intervals.select_related("unit").order_by("unit__code")
    ]


def refusal(**keys: object) -> ApplicationError:
    with pytest.raises(ApplicationError) as raised:
        round_uncertainty_compute(**keys)
    return raised.value


def test_unperturbed_draws_store_the_official_ranks(mini_round: MiniRound) -> None:
    round_compute(round=mini_round.round, actor=None)

    run = round_uncertainty_compute(round=mini_round.round, actor=None, draws=100, **EXACT)

    # 00001 100 %, 00002 and 00003 75 % (tied), SXD 42.86 %; 00005 has no score: no interval
    assert intervals(run) == [
        ("00001", 1, 1, 1, 1),
        ("00002", 2, 2, 2, 2),
        ("00003", 2, 2, 2, 2),
        ("SXD", 4, 4, 4, 4),
    ]
    assert (run.draws, run.seed, run.evaluations) == (100, 2026, 100)
    assert run.parameters == {
        "draws": 100,
        "seed": 2026,
        "weights": "none",
        "spread": 0.2,
        "concentration": 100.0,
        "normalisations": ["official"],
        "imputations": ["official"],
        "sensitivity": True,
    }
    assert run.sensitivity == [
        {"factor": "weights", "varied": False, "first_order": None, "total": None},
        {"factor": "normalisation", "varied": False, "first_order": None, "total": None},
        {"factor": "imputation", "varied": False, "first_order": None, "total": None},
    ]
    assert run.computation == RoundComputation.objects.get(round=mini_round.round)


def test_perturbed_draws_split_the_tie_and_leave_the_clear_ranks(mini_round: MiniRound) -> None:
    round_compute(round=mini_round.round, actor=None)

    run = round_uncertainty_compute(round=mini_round.round, actor=None, draws=1000)
    again = round_uncertainty_compute(round=mini_round.round, actor=None, draws=1000)

    rows = intervals(run)
    # 00001 is best on every criterion and SXD worst on every one it has, whatever the
    # weights, the normalisation or the imputation; the 75 % pair swaps places.
    assert rows[0] == ("00001", 1, 1, 1, 1)
    assert rows[3] == ("SXD", 4, 4, 4, 4)
    assert [(code, official, low, high) for code, official, _, low, high in rows[1:3]] == [
        ("00002", 2, 2, 3),
        ("00003", 2, 2, 3),
    ]
    assert intervals(again) == rows  # same seed, same entries
    factors = {index["factor"]: index for index in run.sensitivity}
    assert factors["imputation"]["total"] == 0.0  # no ranked unit misses a value
    assert factors["weights"]["total"] > 0.1
    assert run.evaluations == 2000  # 1,000 draws + 500 for each of weights and normalisation


def test_the_run_is_audited(mini_round: MiniRound) -> None:
    round_compute(round=mini_round.round, actor=None)
    leader = UserFactory(username="city.leader")

    run = round_uncertainty_compute(round=mini_round.round, actor=leader, draws=10, **EXACT)

    record = AuditRecord.objects.get(action="round.uncertainty")
    assert (record.actor, record.actor_label) == (leader, "city.leader")
    assert record.after["run"] == run.pk
    assert record.after["computation"] == run.computation_id
    assert record.after["units_ranked"] == 4
    assert record.after["settings"]["draws"] == 10
    assert run.actor == leader


def test_a_round_without_results_is_refused(mini_round: MiniRound) -> None:
    error = refusal(round=mini_round.round, actor=None)

    assert (error.code, error.status, error.message) == (
        "round_not_scored",
        409,
        "Round 'Mini 2025' has no results yet; compute its scores before asking how certain "
        "its ranks are.",
    )
    assert not UncertaintyRun.objects.exists()
    assert not AuditRecord.objects.filter(action="round.uncertainty").exists()


def test_bad_settings_are_refused_with_the_scoring_core_s_message(mini_round: MiniRound) -> None:
    round_compute(round=mini_round.round, actor=None)

    error = refusal(round=mini_round.round, actor=None, draws=1, weights="flat")

    assert (error.code, error.status) == ("invalid_uncertainty_settings", 422)
    assert error.message == (
        "invalid uncertainty settings: draws must be a whole number from 2 to 1,000,000, got 1; "
        "weights must be one of uniform, dirichlet, none, got 'flat'"
    )
    assert not UncertaintyRun.objects.exists()


def test_entries_changed_since_the_computation_are_refused(mini_round: MiniRound) -> None:
    round_compute(round=mini_round.round, actor=None)
    Entry.objects.filter(
        round=mini_round.round, unit__code="SXD", leaf_id="a2.satisfaction"
    ).update(survey_value=100)

    error = refusal(round=mini_round.round, actor=None, draws=10)

    assert (error.code, error.status) == ("results_outdated", 409)
    assert error.message == (
        "The entries of round 'Mini 2025' have changed since it was scored (the results of "
        "SXD differ); compute the scores again first."
    )
    assert not RankInterval.objects.exists()


def test_a_changed_framework_file_is_refused(mini_round: MiniRound) -> None:
    computation = round_compute(round=mini_round.round, actor=None)
    RoundComputation.objects.filter(pk=computation.pk).update(framework_checksum="0" * 64)

    error = refusal(round=mini_round.round, actor=None, draws=10)

    assert (error.code, error.message) == (
        "results_outdated",
        "The framework file test-mini.yaml has changed since round 'Mini 2025' was scored; "
        "compute the scores again first.",
    )


def test_a_published_round_may_be_explained(mini_round: MiniRound) -> None:
    round_compute(round=mini_round.round, actor=None)
    type(mini_round.round).objects.filter(pk=mini_round.round.pk).update(state=RoundState.PUBLISHED)

    run = round_uncertainty_compute(round=mini_round.round, actor=None, draws=10, **EXACT)

    assert run.intervals.count() == 4


# -- the selector ---------------------------------------------------------------------------


def test_the_selector_reads_the_latest_run_of_the_current_results_in_one_query(
    mini_round: MiniRound, django_assert_num_queries
) -> None:
    round_compute(round=mini_round.round, actor=None)
    round_uncertainty_compute(round=mini_round.round, actor=None, draws=10, **EXACT)
    latest = round_uncertainty_compute(round=mini_round.round, actor=None, draws=20, **EXACT)
    units = mini_round.units

    with django_assert_num_queries(1):
        stored = round_rank_intervals(mini_round.round)
        assert stored is not None
        assert stored.run.pk == latest.pk

    assert sorted(stored.by_unit) == sorted(
        units[code].pk for code in ("00001", "00002", "00003", "SXD")
    )
    assert stored.by_unit[units["SXD"].pk].high_rank == 4


def test_a_recomputed_round_shows_no_interval_until_it_is_analysed_again(
    mini_round: MiniRound,
) -> None:
    round_compute(round=mini_round.round, actor=None)
    round_uncertainty_compute(round=mini_round.round, actor=None, draws=10, **EXACT)

    round_compute(round=mini_round.round, actor=None)

    assert round_rank_intervals(mini_round.round) is None
    assert round_rank_intervals(RoundFactory(name="Unscored")) is None


# -- the command ----------------------------------------------------------------------------


def test_the_command_prints_each_unit_and_the_sensitivity(
    mini_round: MiniRound, capsys: pytest.CaptureFixture[str]
) -> None:
    round_compute(round=mini_round.round, actor=None)
    round_id = str(mini_round.round.pk)

    held = ["--weights", "none", "--normalisations", "official", "--imputations", "official"]
    exact = main(["uncertainty", "--round", round_id, "--draws", "200", *held])
    exact_lines = capsys.readouterr().out.splitlines()
    drawn = main(["uncertainty", "--round", round_id, "--draws", "400"])
    drawn_lines = capsys.readouterr().out.splitlines()

    assert (exact, drawn) == (0, 0)
    assert exact_lines[0].startswith("Mini 2025: 200 draws (weights none, seed 2026) in ")
    assert exact_lines[1:] == [
        "unit         official median  5–95 %",
        "00001               1      1  1–1",
        "00002               2      2  2–2",
        "00003               2      2  2–2",
        "SXD                 4      4  4–4",
        "00005               –      –  –",
        "",
        "factor         first-order  total",
        "weights                  –      –  (not varied)",
        "normalisation            –      –  (not varied)",
        "imputation               –      –  (not varied)",
    ]
    assert drawn_lines[0].startswith("Mini 2025: 400 draws (weights uniform, seed 2026) in ")
    assert [line[:21] for line in drawn_lines[2:7]] == [
        "00001               1",
        "00002               2",
        "00003               2",
        "SXD                 4",
        "00005               –",
    ]
    assert [line[:14] for line in drawn_lines[9:]] == [
        "weights       ",
        "normalisation ",
        "imputation    ",
    ]
    assert drawn_lines[11].endswith("0.00   0.00")  # no ranked unit misses a value


def test_the_command_refuses_an_unknown_or_unscored_round(
    capsys: pytest.CaptureFixture[str],
) -> None:
    round = RoundFactory(name="Unscored")
    RoundUnitFactory(round=round)

    assert main(["uncertainty", "--round", "999999"]) == 2
    assert main(["uncertainty", "--round", str(round.pk)]) == 2

    errors = capsys.readouterr().err.splitlines()
    assert errors[0] == "no round with id 999999"
    assert errors[1].startswith("Round 'Unscored' has no results yet")
