"""``build_demo`` on the test database: structure, history, rounds, determinism, refusals.

The demo is built once for the module (outside the per-test transactions) and the database is
flushed afterwards; each test then runs in a transaction that is rolled back, so the rebuild
tests at the end leave the module's data as it was.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Avg, Count
from pytest_django.fixtures import Settings

from govindex.assessments.models import (
    Entry,
    PublishedResult,
    Round,
    RoundUnit,
    UnitResult,
)
from govindex.assessments.selectors import round_rank_intervals, self_assessment_progress
from govindex.demo import (
    DEMO_PASSWORD,
    DemoSummary,
    build_demo,
    demo_exists,
    demo_people,
    results_checksum,
)
from govindex.demo.assessments import FRAMEWORK_ID
from govindex.errors import ApplicationError
from govindex.orgs.models import Membership, Unit, UnitSuccession
from govindex.orgs.reference import hanoi_units
from govindex.orgs.selectors import unit_predecessors
from govindex.scoring import likert_share, load_framework
from govindex.scoring.framework import Kind, Source

SEED = 2025
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker) -> Iterator[DemoSummary]:
    with django_db_blocker.unblock():
        summary = build_demo(seed=SEED)
        try:
            yield summary
        finally:
            call_command("flush", interactive=False, verbosity=0)


def codes(units) -> set[str]:
    return {unit.code for unit in units}


def round_of(year: int) -> Round:
    return Round.objects.get(framework_id=FRAMEWORK_ID, year=year)


def test_current_units_are_the_city_its_departments_and_126_communes_and_wards(demo):
    kinds = Counter(Unit.objects.filter(active_to__isnull=True).values_list("kind", flat=True))

    assert kinds == {"city": 1, "department": 15, "service_centre": 1, "ward": 51, "commune": 75}
    communes = Unit.objects.filter(kind__in=["ward", "commune"])
    assert sorted(communes.values_list("code", flat=True)) == sorted(u.code for u in hanoi_units())
    assert set(communes.values_list("active_from", flat=True)) == {dt.date(2025, 7, 1)}
    assert set(communes.values_list("parent__code", flat=True)) == {"HN"}
    hoan_kiem = Unit.objects.get(code="00070")
    assert (hoan_kiem.name_vi, hoan_kiem.kind) == ("Phường Hoàn Kiếm", "ward")
    departments = Unit.objects.filter(kind__in=["department", "service_centre"], active_to=None)
    assert set(departments.values_list("active_from", flat=True)) == {dt.date(2025, 3, 1)}
    assert demo.units == {
        "city": 1,
        "departments": 16,
        "wards": 51,
        "communes": 75,
        "former districts": 30,
        "former departments": 21,
    }
    assert demo_exists()


def test_the_30_former_districts_lead_to_every_commune_and_ward(demo):
    districts = Unit.objects.filter(kind="district")
    links = UnitSuccession.objects.filter(predecessor__kind="district")

    assert districts.count() == 30
    assert set(districts.values_list("active_to", flat=True)) == {dt.date(2025, 6, 30)}
    assert all(code.startswith("D-") for code in districts.values_list("code", flat=True))
    assert districts.filter(code="D-HOANKIEM", name_vi="Quận Hoàn Kiếm").exists()
    assert links.count() == 165
    assert set(links.values_list("successor__code", flat=True)) == codes(hanoi_units())
    assert set(links.values_list("predecessor__kind", flat=True)) == {"district"}
    assert set(links.values_list("date", flat=True)) == {dt.date(2025, 7, 1)}
    # Every district went somewhere; a new unit formed from several districts is a merge.
    assert links.values("predecessor").distinct().count() == 30
    per_successor = Counter(links.values_list("successor__code", flat=True))
    for code, kind in links.values_list("successor__code", "kind"):
        assert kind == ("merge" if per_successor[code] > 1 else "split")
    assert Counter(links.values_list("kind", flat=True)) == {"split": 93, "merge": 72}
    ba_dinh = Unit.objects.get(code="00004")
    assert codes(unit_predecessors(ba_dinh)) == {"D-BADINH", "D-HOANKIEM"}


def test_the_2024_departments_lead_to_the_departments_of_march_2025(demo):
    former = Unit.objects.filter(code__startswith="F-")

    assert former.count() == 21
    assert set(former.values_list("active_to", flat=True)) == {dt.date(2025, 2, 28)}
    assert UnitSuccession.objects.filter(predecessor__code__startswith="F-").count() == 22
    expected = {
        "STC": {"F-SKHDT", "F-STC"},
        "SNV": {"F-SNV", "F-SLDTBXH"},
        "SNNMT": {"F-SNNPTNT", "F-STNMT"},
        "SXD": {"F-SXD", "F-SGTVT"},
        "SKHCN": {"F-SKHCN", "F-STTTT"},
        "VPUBND": {"F-VPUBND", "F-SNGV"},
        "SDTTG": {"F-BDT", "F-SNV"},  # F-SNV's religious-affairs unit split off to SDTTG
        "STP": {"F-STP"},
    }
    for code, predecessors in expected.items():
        assert codes(unit_predecessors(Unit.objects.get(code=code))) == predecessors, code
    split = UnitSuccession.objects.get(predecessor__code="F-SNV", successor__code="SDTTG")
    assert split.kind == "split"
    merge = UnitSuccession.objects.get(predecessor__code="F-SKHDT", successor__code="STC")
    assert merge.kind == "merge"
    assert "Merged Sở Kế hoạch và Đầu tư + Sở Tài chính" in merge.note
    assert UnitSuccession.objects.get(predecessor__code="F-STP").kind == "rename"


def test_the_annual_rounds_are_computed_with_a_result_for_every_unit(demo):
    for year, state, kinds in (
        (2024, "published", {"department": 20, "agency": 1, "district": 30}),
        (2025, "under_appraisal", {"department": 15, "ward": 51, "commune": 75}),
    ):
        round = round_of(year)
        members = RoundUnit.objects.filter(round=round)
        results = UnitResult.objects.filter(round=round)

        assert round.state == state
        assert Counter(members.values_list("unit__kind", flat=True)) == kinds
        assert set(results.values_list("unit", flat=True)) == set(
            members.values_list("unit", flat=True)
        )
        assert not results.filter(score__isnull=True).exists()
        ranks = sorted(results.values_list("rank", flat=True))
        assert ranks[0] == 1 and ranks[-1] <= len(ranks)
        assert round.computations.count() == 1
    assert [s.units_scored for s in demo.rounds] == [51, 141, 15, 0, 0, 0]


def test_every_scored_round_has_rank_intervals_of_its_results(demo):
    for round in Round.objects.filter(unit_results__isnull=False).distinct():
        stored = round_rank_intervals(round)
        assert stored is not None, round.period
        assert (stored.run.draws, stored.run.seed) == (1000, round.year)
        ranks = dict(UnitResult.objects.filter(round=round).values_list("unit", "rank"))
        assert {unit: i.official_rank for unit, i in stored.by_unit.items()} == ranks
        assert all(
            1 <= i.low_rank <= i.median_rank <= i.high_rank <= len(ranks)
            for i in stored.by_unit.values()
        )
        factors = [index["factor"] for index in stored.run.sensitivity]
        assert factors == ["weights", "normalisation", "imputation"]


def test_the_demo_has_a_round_in_each_state_of_the_cycle(demo):
    rounds = Round.objects.order_by("pk")
    assert [(r.period, r.state) for r in rounds] == [
        ("2024", "published"),
        ("2025", "under_appraisal"),
        ("2026-H1-departments", "appraised"),
        ("2026-H1-communes", "submitted"),
        ("2026", "open"),
        ("2027", "draft"),
    ]
    open_round = rounds.get(state="open")
    links = RoundUnit.objects.filter(round=open_round)
    submitted = links.filter(submitted_at__isnull=False)
    assert 0 < submitted.count() < links.count()
    ward = links.get(unit__code="00070")
    assert ward.submitted_at is None
    progress = self_assessment_progress(open_round, ward.unit)
    assert 0 < progress.done < progress.total
    closed = RoundUnit.objects.filter(round__state="under_appraisal")
    assert not closed.filter(submitted_at__isnull=True).exists()
    assert 0 < sum(link.is_late for link in closed) < closed.count()


def test_every_unit_has_one_entry_per_leaf_that_applies_to_its_kind(demo):
    framework = load_framework(FRAMEWORK_ID)
    for year in (2024, 2025):
        per_unit = (
            Entry.objects.filter(round=round_of(year))
            .values("unit__kind")
            .annotate(entries=Count("id"), units=Count("unit", distinct=True))
        )
        for row in per_unit:
            applicable = sum(framework.leaf_applicability(row["unit__kind"]))
            assert row["entries"] == row["units"] * applicable, row


def test_department_averages_are_near_88_and_local_units_near_92(demo):
    for year in (2024, 2025):
        averages = dict(
            UnitResult.objects.filter(round=round_of(year))
            .values("unit__kind")
            .annotate(average=Avg("score"))
            .values_list("unit__kind", "average")
        )
        assert 85 <= averages["department"] <= 91, averages
        for kind in ("district", "ward", "commune"):
            if kind in averages:
                assert 89 <= averages[kind] <= 96, averages


def test_appraisal_lowers_some_self_scores_and_gives_each_a_reason(demo):
    framework = load_framework(FRAMEWORK_ID)
    regular = [
        leaf.id
        for leaf in framework.leaves
        if leaf.source is Source.SELF_ASSESSED and leaf.kind is Kind.REGULAR
    ]
    appraised = Entry.objects.filter(appraised_value__isnull=False)
    with_reason = appraised.exclude(appraisal_reason="")

    assert with_reason.exists()
    for self_value, appraised_value in with_reason.values_list("self_value", "appraised_value"):
        assert appraised_value < self_value
    for self_value, appraised_value in appraised.filter(appraisal_reason="").values_list(
        "self_value", "appraised_value"
    ):
        assert appraised_value == self_value
    published = Entry.objects.filter(
        round=round_of(2024), leaf_id__in=regular, not_applicable=False
    )
    lowered = published.exclude(appraisal_reason="").count() / published.count()
    assert 0.10 <= lowered <= 0.20
    assert published.filter(appraised_value__isnull=True).count() == 0
    assert Entry.objects.filter(round=round_of(2025), appraised_value__isnull=True).exists()
    assert with_reason.filter(appraisal_reason__startswith="Minh chứng chưa đầy đủ").exists()


def test_survey_values_are_the_share_of_satisfied_answers(demo):
    framework = load_framework(FRAMEWORK_ID)
    survey = [leaf.id for leaf in framework.leaves if leaf.source is Source.SURVEY]
    entries = Entry.objects.filter(leaf_id__in=survey)

    # Two survey criteria for each unit of the rounds that got as far as submission.
    assert entries.count() == 2 * (51 + 141 + 15 + 126)
    for answers, value, self_value in entries.values_list(
        "survey_answers", "survey_value", "self_value"
    ):
        assert len(answers) == 5 and 30 <= sum(answers) <= 200
        assert value == pytest.approx(likert_share(answers))  # percentage leaves
        assert self_value is None


def test_not_applicable_entries_and_adjustments(demo):
    not_applicable = Entry.objects.filter(not_applicable=True)

    assert not_applicable.exists()
    assert set(not_applicable.values_list("comment", flat=True)) == {
        "Trong kỳ đánh giá không phát sinh nhiệm vụ này"
    }
    assert not not_applicable.filter(self_value__isnull=False).exists()
    framework = load_framework(FRAMEWORK_ID)
    bonus = [leaf.id for leaf in framework.leaves if leaf.kind is Kind.BONUS]
    penalty = [leaf.id for leaf in framework.leaves if leaf.kind is Kind.PENALTY]
    assert Entry.objects.filter(leaf_id__in=bonus, self_value__gt=0).exists()
    assert Entry.objects.filter(leaf_id__in=penalty, self_value__gt=0).exists()


def test_published_results_of_hanoi_and_its_pci_peers(demo):
    def result(framework_id: str, year: int, territory: str = "Hà Nội"):
        found = PublishedResult.objects.get(
            framework_id=framework_id, year=year, territory=territory
        )
        return found.score, found.rank, found.rank_of

    assert result("pci-vcci", 2023) == (67.15, 28, 63)
    assert result("pci-vcci", 2019) == (68.80, 9, 63)
    assert result("pci-vcci", 2019, "Quảng Ninh") == (73.40, 1, 63)
    assert result("pgi-vcci", 2022)[1:] == (63, 63)
    assert result("pgi-vcci", 2023)[1:] == (63, 63)
    assert result("par-index-876-province", 2023) == (91.43, 3, 63)
    assert result("par-index-876-province", 2024) == (92.57, 3, 63)
    assert result("sipas-1001", 2024) == (86.5, 11, 63)
    sipas = PublishedResult.objects.get(framework_id="sipas-1001", year=2024)
    assert "83.94" in sipas.note
    assert PublishedResult.objects.filter(framework_id="pci-vcci", year=2019).count() == 8
    hanoi_2019 = PublishedResult.objects.get(framework_id="pci-vcci", year=2019, territory="Hà Nội")
    assert hanoi_2019.sub_scores["entry_costs"] == 7.98
    assert not PublishedResult.objects.filter(source="").exists()
    assert PublishedResult.objects.count() == demo.published_results == 19


def test_demo_people_sign_in_with_their_roles(demo):
    users = get_user_model().objects.filter(username__in=[p.username for p in demo_people()])

    assert users.count() == 6
    assert all(user.check_password(DEMO_PASSWORD) for user in users)
    roles = set(Membership.objects.values_list("user__username", "unit__code", "role").order_by())
    assert roles == {
        ("canbo.phuong", "00070", "staff"),
        ("lanhdao.phuong", "00070", "leader"),
        ("canbo.so", "SNV", "staff"),
        ("thamdinh", "SNV", "appraiser"),
        ("lanhdao.tp", "HN", "city_leader"),
        ("quantri", "HN", "admin"),
    }
    assert list(users.filter(is_superuser=True).values_list("username", flat=True)) == ["quantri"]
    assert [(p.username, p.role) for p in demo.people] == [
        (p.username, p.role) for p in demo_people()
    ]


def test_a_second_build_is_refused(demo):
    with pytest.raises(ApplicationError) as refused:
        build_demo(seed=SEED)

    assert refused.value.code == "demo_exists"
    assert "rebuild=True" in refused.value.message
    assert Unit.objects.filter(code="HN").count() == 1


def test_the_demo_refuses_to_run_in_production(demo, settings: Settings):
    settings.PRODUCTION = True

    with pytest.raises(ApplicationError) as refused:
        build_demo(seed=SEED, rebuild=True)

    assert refused.value.code == "demo_in_production"
    assert Unit.objects.count() == 21 + 30 + 126 + 16 + 1


def test_a_rebuild_with_the_same_seed_gives_the_same_results(demo):
    lines: list[str] = []

    again = build_demo(seed=SEED, rebuild=True, progress=lines.append)

    assert again.results_checksum == demo.results_checksum == results_checksum()
    assert again == demo  # everything but the time it took
    assert [line.split(" ")[0] for line in lines] == [
        "flushed:",
        "units:",
        "history:",
        "people:",
        *["round"] * 6,
        *["summary"] * 6,
        "plans:",
        "published",
        "feedback:",
        "dossiers:",
        "done",
    ]
    assert Unit.objects.count() == 21 + 30 + 126 + 16 + 1
    assert demo.seconds < 60


def test_another_seed_gives_other_values_on_the_same_structure(demo):
    other = build_demo(seed=SEED + 1, rebuild=True)

    assert other.results_checksum != demo.results_checksum
    assert other.units == demo.units
    assert [s.units for s in other.rounds] == [s.units for s in demo.rounds]
