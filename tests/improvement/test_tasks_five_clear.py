"""The "5 rõ" rule: a task missing any of person, statement, deadline, accountable unit, expected
output, measure is flagged and cannot be approved; each missing element is named (issue 6,
item 3; DESIGN §4.7). Also the status table and the audit record of every change."""

from __future__ import annotations

import datetime as dt

import pytest

from govindex.assessments.models import RoundState
from govindex.audit.models import AuditRecord
from govindex.errors import ApplicationError
from govindex.improvement.five_clear import five_clear_missing
from govindex.improvement.models import Task, TaskStatus
from govindex.improvement.services import (
    milestone_add,
    milestone_complete,
    task_approve,
    task_set_progress,
    task_set_status,
    task_update,
)
from tests.improvement.plan_fixtures import *  # noqa: F403 (the fixtures)
from tests.improvement.plan_fixtures import PlanWorld

BLANKS = {
    "person": {"person": None, "person_name": ""},
    "statement": {"statement": "  "},
    "deadline": {"deadline": None},
    "accountable_unit": {"accountable_unit": None},
    "expected_output": {"expected_output": ""},
    "measure": {"measure": ""},
}
LABELS = {
    "person": "person",
    "statement": "task statement",
    "deadline": "deadline",
    "accountable_unit": "accountable unit",
    "expected_output": "expected output",
    "measure": "measure",
}


def audits(task: Task, action: str | None = None) -> list[AuditRecord]:
    records = AuditRecord.objects.filter(target_type="improvement.task", target_id=str(task.pk))
    if action:
        records = records.filter(action=action)
    return list(records.order_by("pk"))


@pytest.mark.parametrize("element", list(BLANKS))
def test_approve_refuses_a_task_missing_one_element_and_names_it(
    world: PlanWorld, element: str
) -> None:
    task = world.complete_task(**BLANKS[element])
    assert five_clear_missing(task) == [element]
    with pytest.raises(ApplicationError) as refused:
        task_approve(task=task, actor=world.people["leader_own"])
    assert refused.value.code == "five_clear_missing"
    assert refused.value.message == (
        f"Task T001 cannot be approved: the “5 rõ” lack {LABELS[element]}."
    )
    task.refresh_from_db()
    assert task.status == TaskStatus.DRAFT
    assert task.approved_by is None
    assert [record.action for record in audits(task)] == ["task.create"]


def test_a_task_missing_everything_lists_every_element_in_order(world: PlanWorld) -> None:
    task = world.complete_task(**{k: v for blank in BLANKS.values() for k, v in blank.items()})
    with pytest.raises(ApplicationError) as refused:
        task_approve(task=task, actor=world.people["leader_own"])
    assert refused.value.message == (
        "Task T001 cannot be approved: the “5 rõ” lack person, task statement, deadline, "
        "accountable unit, expected output, measure."
    )


def test_a_name_without_an_account_is_a_person(world: PlanWorld) -> None:
    task = world.complete_task(person=None, person_name="Nguyễn Thị Hạnh")
    assert five_clear_missing(task) == []
    assert task.person_label == "Nguyễn Thị Hạnh"


def test_a_complete_task_is_approved_with_one_audit_record(world: PlanWorld) -> None:
    leader = world.people["leader_own"]
    task = task_approve(task=world.complete_task(), actor=leader)
    task.refresh_from_db()
    assert task.status == TaskStatus.APPROVED
    assert task.approved_by == leader
    assert task.approved_at is not None
    records = audits(task, "task.approve")
    assert len(records) == 1
    assert records[0].actor == leader
    assert (records[0].before, records[0].after) == ({"status": "draft"}, {"status": "approved"})


def test_create_records_the_whole_task(world: PlanWorld) -> None:
    task = world.complete_task()
    [record] = audits(task)
    assert record.action == "task.create"
    assert record.actor == world.people["staff_own"]
    assert record.after == {
        "round": world.round.pk,
        "unit": "00001",
        "ref": "T001",
        "parent": None,
        "statement": "Khảo sát sự hài lòng tại 12 tổ dân phố",
        "person": "hoa",
        "person_name": "",
        "deadline": "2099-03-31",
        "accountable_unit": "00001",
        "expected_output": "Báo cáo kết quả khảo sát",
        "measure": "Tỷ lệ hài lòng từ 80 % trở lên",
        "weight": 1.0,
        "progress": 0.0,
        "status": "draft",
        "criteria": ["a2.satisfaction"],
    }


def test_refs_count_up_in_the_plan(world: PlanWorld) -> None:
    refs = [world.complete_task().ref for _ in range(3)]
    assert refs == ["T001", "T002", "T003"]


def _update_values(task: Task, **changes: object) -> dict[str, object]:
    values: dict[str, object] = {
        "statement": task.statement,
        "person": task.person,
        "person_name": task.person_name,
        "deadline": task.deadline,
        "accountable_unit": task.accountable_unit,
        "expected_output": task.expected_output,
        "measure": task.measure,
        "weight": task.weight,
        "parent": task.parent,
        "leaf_ids": list(task.criteria.values_list("leaf_id", flat=True)),
    }
    values.update(changes)
    return values


def test_an_approved_task_keeps_its_five_clear(world: PlanWorld) -> None:
    task = task_approve(task=world.complete_task(), actor=world.people["leader_own"])
    with pytest.raises(ApplicationError) as refused:
        task_update(
            task=task, actor=world.people["staff_own"], **_update_values(task, deadline=None)
        )
    assert refused.value.message == "Task T001 cannot stay approved: the “5 rõ” lack deadline."
    task.refresh_from_db()
    assert task.deadline == dt.date(2099, 3, 31)


def test_update_records_only_what_changed(world: PlanWorld) -> None:
    task = world.complete_task()
    task_update(
        task=task,
        actor=world.people["staff_own"],
        **_update_values(
            task, deadline=dt.date(2099, 6, 30), leaf_ids=["a2.satisfaction", "a1.plan"]
        ),
    )
    [record] = audits(task, "task.update")
    assert record.before == {"deadline": "2099-03-31", "criteria": ["a2.satisfaction"]}
    assert record.after == {"deadline": "2099-06-30", "criteria": ["a1.plan", "a2.satisfaction"]}
    # Saving the same values again changes nothing and records nothing.
    task_update(
        task=task, actor=world.people["staff_own"], **_update_values(Task.objects.get(pk=task.pk))
    )
    assert len(audits(task, "task.update")) == 1


def test_a_task_cannot_be_put_under_its_own_subtask(world: PlanWorld) -> None:
    parent = world.complete_task()
    child = world.complete_task(parent=parent)
    with pytest.raises(ApplicationError) as refused:
        task_update(
            task=parent, actor=world.people["staff_own"], **_update_values(parent, parent=child)
        )
    assert refused.value.message == "Task T001 cannot be placed under its own sub-task T002."


def test_unknown_criterion_is_refused(world: PlanWorld) -> None:
    with pytest.raises(ApplicationError) as refused:
        world.complete_task(leaf_ids=["a9.nothing"])
    assert refused.value.message == "'a9.nothing' is not a criterion of framework test-mini."
    assert Task.objects.count() == 0


def test_plans_are_refused_in_a_draft_round_and_allowed_once_published(world: PlanWorld) -> None:
    world.round.state = RoundState.DRAFT
    world.round.save()
    with pytest.raises(ApplicationError) as refused:
        world.complete_task()
    assert refused.value.code == "round_state"
    world.round.state = RoundState.PUBLISHED
    world.round.save()
    assert world.complete_task().status == TaskStatus.DRAFT


@pytest.mark.parametrize(
    ("path", "target", "allowed"),
    [
        ([], TaskStatus.CANCELLED, True),
        ([], TaskStatus.DONE, False),
        ([], TaskStatus.APPROVED, False),
        (["approve"], TaskStatus.IN_PROGRESS, True),
        (["approve"], TaskStatus.DONE, True),
        (["approve", TaskStatus.DONE], TaskStatus.IN_PROGRESS, True),
        (["approve", TaskStatus.DONE], TaskStatus.CANCELLED, False),
        ([TaskStatus.CANCELLED], TaskStatus.DRAFT, True),
        ([TaskStatus.CANCELLED], TaskStatus.IN_PROGRESS, False),
    ],
)
def test_status_transitions(world: PlanWorld, path: list[str], target: str, allowed: bool) -> None:
    task = world.complete_task()
    for step in path:
        if step == "approve":
            task = task_approve(task=task, actor=world.people["leader_own"])
        else:
            task = task_set_status(task=task, to=step, actor=world.people["staff_own"])
    before = len(audits(task))
    if allowed:
        task_set_status(task=task, to=target, actor=world.people["staff_own"], reason="why")
        task.refresh_from_db()
        assert task.status == target
        record = audits(task)[-1]
        assert (record.action, record.after, record.reason) == (
            "task.status",
            {"status": target},
            "why",
        )
    else:
        with pytest.raises(ApplicationError) as refused:
            task_set_status(task=task, to=target, actor=world.people["staff_own"])
        assert refused.value.code == "task_transition"
        assert len(audits(task)) == before


def test_cancel_message_lists_where_a_done_task_can_go(world: PlanWorld) -> None:
    task = task_approve(task=world.complete_task(), actor=world.people["leader_own"])
    task = task_set_status(task=task, to=TaskStatus.DONE, actor=world.people["staff_own"])
    with pytest.raises(ApplicationError) as refused:
        task_set_status(task=task, to=TaskStatus.CANCELLED, actor=world.people["staff_own"])
    assert refused.value.message == (
        "Task T001 cannot go from done to cancelled; from done it can go to: in progress."
    )


def test_progress_starts_an_approved_task(world: PlanWorld) -> None:
    task = task_approve(task=world.complete_task(), actor=world.hoa)
    task = task_set_progress(task=task, progress=40, actor=world.hoa)
    task.refresh_from_db()
    assert (task.progress, task.status) == (40.0, TaskStatus.IN_PROGRESS)
    record = audits(task, "task.progress")[-1]
    assert record.before == {"progress": 0.0, "status": "approved"}
    assert record.after == {"progress": 40.0, "status": "in_progress"}


@pytest.mark.parametrize("value", [-1, 100.5, 150])
def test_progress_outside_0_100_is_refused(world: PlanWorld, value: float) -> None:
    task = world.complete_task()
    with pytest.raises(ApplicationError) as refused:
        task_set_progress(task=task, progress=value, actor=world.hoa)
    assert refused.value.message == f"Progress is a percentage between 0 and 100, got {value}."


def test_progress_of_a_task_with_milestones_is_rolled_up_not_typed(world: PlanWorld) -> None:
    task = world.complete_task()
    milestone_add(task=task, title="Phiếu khảo sát", due=dt.date(2099, 1, 31), actor=world.hoa)
    with pytest.raises(ApplicationError) as refused:
        task_set_progress(task=task, progress=50, actor=world.hoa)
    assert refused.value.code == "progress_derived"


def test_milestone_completion_starts_an_approved_task(world: PlanWorld) -> None:
    task = task_approve(task=world.complete_task(), actor=world.people["leader_own"])
    milestone = milestone_add(task=task, title="Phiếu", due=dt.date(2099, 1, 31), actor=world.hoa)
    milestone_complete(milestone=milestone, done_on=dt.date(2025, 12, 1), actor=world.hoa)
    milestone.refresh_from_db()
    task.refresh_from_db()
    assert milestone.done_on == dt.date(2025, 12, 1)
    assert task.status == TaskStatus.IN_PROGRESS
    [record] = AuditRecord.objects.filter(action="milestone.complete")
    assert record.after == {
        "task": "T001",
        "title": "Phiếu",
        "done_on": "2025-12-01",
        "task_status": "in_progress",
    }


def test_milestone_titles_cannot_hold_the_file_separators(world: PlanWorld) -> None:
    task = world.complete_task()
    with pytest.raises(ApplicationError) as refused:
        milestone_add(task=task, title="a; b", due=dt.date(2099, 1, 31), actor=world.hoa)
    assert refused.value.code == "milestone_title"
