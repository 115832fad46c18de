"""Root cause and responsibility of a criterion not achieved, and the lead department the city
assigns to a criterion (issue 6, item 2)."""

from __future__ import annotations

import pytest

from govindex.assessments.models import RoundState
from govindex.audit.models import AuditRecord
from govindex.errors import ApplicationError
from govindex.improvement.models import CriterionLead, Finding, RootCause
from govindex.improvement.selectors import criterion_leads, findings_by_leaf
from govindex.improvement.services import criterion_lead_assign, finding_record, root_causes_seed
from tests.improvement.plan_fixtures import *  # noqa: F403 (the fixtures)
from tests.improvement.plan_fixtures import PlanWorld
from tests.seeded import migration_rows_restored


def record(world: PlanWorld, **overrides: object) -> Finding:
    values: dict[str, object] = {
        "round": world.round,
        "unit": world.ward,
        "leaf_id": "a2.satisfaction",
        "root_cause": world.cause("coordination"),
        "cause_text": "Chưa khảo sát đủ số phiếu ở tổ dân phố số 7",
        "responsible_unit": world.ward,
        "responsible_person_name": "Nguyễn Văn Bình",
        "actor": world.people["staff_own"],
    }
    values.update(overrides)
    return finding_record(**values)  # type: ignore[arg-type]


def test_the_default_root_causes(db: None) -> None:
    """Seeded by the migration; ``root_causes_seed`` puts back any that are missing (a flushed
    test database) and leaves the others as they are."""
    migration_rows_restored()  # a flush may have removed them (tests/seeded.py)
    RootCause.objects.filter(code="budget").delete()
    RootCause.objects.filter(code="legal").update(name_en="Legal obstacles")
    assert root_causes_seed(actor="tests") == 1
    assert root_causes_seed(actor="tests") == 0
    RootCause.objects.filter(code="legal").update(name_en="Legal or procedural obstacles")
    causes = list(RootCause.objects.values_list("code", "name_en"))
    assert causes == [
        ("leadership", "Leadership and direction not close enough"),
        ("staffing", "Staff shortage or insufficient skills"),
        ("coordination", "Weak coordination between agencies"),
        ("systems_data", "IT system or data limitations"),
        ("legal", "Legal or procedural obstacles"),
        ("budget", "Insufficient budget"),
        ("evidence", "Evidence not documented"),
        ("external", "External or objective causes"),
    ]
    assert RootCause.objects.get(code="coordination").name_in("vi") == (
        "Phối hợp giữa các cơ quan chưa chặt chẽ"
    )
    assert all(cause.name_id for cause in RootCause.objects.all())


def test_a_finding_is_recorded_then_corrected_with_before_and_after(world: PlanWorld) -> None:
    finding = record(world)
    assert findings_by_leaf(world.round, world.ward) == {"a2.satisfaction": finding}
    assert finding.responsible_person_label == "Nguyễn Văn Bình"
    corrected = record(
        world,
        root_cause=world.cause("staffing"),
        responsible_person=world.people["leader_own"],
        responsible_person_name="ignored when an account is given",
    )
    assert corrected.pk == finding.pk
    assert Finding.objects.count() == 1
    assert corrected.responsible_person_label == "Trần Thị Lan"
    assert corrected.responsible_person_name == ""
    first, second = AuditRecord.objects.filter(action="finding.record").order_by("pk")
    assert first.before is None
    assert first.after == {
        "round": world.round.pk,
        "unit": "00001",
        "leaf_id": "a2.satisfaction",
        "root_cause": "coordination",
        "cause_text": "Chưa khảo sát đủ số phiếu ở tổ dân phố số 7",
        "responsible_unit": "00001",
        "responsible_person": None,
        "responsible_person_name": "Nguyễn Văn Bình",
    }
    assert second.before["root_cause"] == "coordination"
    assert second.after["root_cause"] == "staffing"
    assert second.after["responsible_person"] == "leader_own"
    # The same values again: nothing changes, nothing is recorded.
    record(world, root_cause=world.cause("staffing"), responsible_person=world.people["leader_own"])
    assert AuditRecord.objects.filter(action="finding.record").count() == 2


def test_a_finding_needs_a_responsible_person(world: PlanWorld) -> None:
    with pytest.raises(ApplicationError) as refused:
        record(world, responsible_person_name="  ")
    assert refused.value.message == "Name the person responsible (an account or a name)."
    assert not Finding.objects.exists()


def test_a_finding_on_an_unknown_criterion_is_refused(world: PlanWorld) -> None:
    with pytest.raises(ApplicationError) as refused:
        record(world, leaf_id="a2")
    assert refused.value.message == "'a2' is not a criterion of framework test-mini."


def test_a_retired_cause_cannot_be_chosen(world: PlanWorld) -> None:
    RootCause.objects.filter(code="budget").update(active=False)
    with pytest.raises(ApplicationError) as refused:
        record(world, root_cause=world.cause("budget"))
    assert refused.value.message == "Root cause 'budget' is no longer in use; choose another."


def test_findings_wait_for_the_round_to_open_and_follow_publication(world: PlanWorld) -> None:
    world.round.state = RoundState.DRAFT
    world.round.save()
    with pytest.raises(ApplicationError) as refused:
        record(world)
    assert refused.value.message == (
        "Round 'Mini 2025' is still a draft; causes and plans are recorded once the round is open."
    )
    for state in (RoundState.APPRAISED, RoundState.PUBLISHED):
        world.round.state = state
        world.round.save()
        assert record(world).root_cause.code == "coordination"


def test_a_unit_outside_the_round_has_no_findings(world: PlanWorld) -> None:
    with pytest.raises(ApplicationError) as refused:
        record(world, unit=world.units["HN"])
    assert refused.value.message == "HN does not take part in round 'Mini 2025'."


def test_the_city_assigns_a_lead_department(world: PlanWorld) -> None:
    leader = world.people["city_leader"]
    lead = criterion_lead_assign(
        round=world.round, leaf_id="a2.satisfaction", lead_unit=world.units["SNV"], actor=leader
    )
    assert criterion_leads(world.round) == {"a2.satisfaction": lead}
    moved = criterion_lead_assign(
        round=world.round,
        leaf_id="a2.satisfaction",
        lead_unit=world.units["SXD"],
        actor=leader,
        note="Sở Xây dựng chủ trì",
    )
    assert moved.pk == lead.pk
    assert CriterionLead.objects.get().lead_unit.code == "SXD"
    records = AuditRecord.objects.filter(action="criterion_lead.assign").order_by("pk")
    assert [(r.before, r.after) for r in records] == [
        (
            None,
            {"round": world.round.pk, "leaf_id": "a2.satisfaction", "lead_unit": "SNV", "note": ""},
        ),
        (
            {"lead_unit": "SNV", "note": ""},
            {
                "round": world.round.pk,
                "leaf_id": "a2.satisfaction",
                "lead_unit": "SXD",
                "note": "Sở Xây dựng chủ trì",
            },
        ),
    ]


def test_only_a_department_leads_a_criterion(world: PlanWorld) -> None:
    with pytest.raises(ApplicationError) as refused:
        criterion_lead_assign(
            round=world.round,
            leaf_id="a1.plan",
            lead_unit=world.ward,
            actor=world.people["city_leader"],
        )
    assert refused.value.message == "00001 is a ward; only a department can lead a criterion."
    assert not CriterionLead.objects.exists()
