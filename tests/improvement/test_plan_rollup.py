"""Progress roll-up of a unit's plan and of the city plan, on a tree computed by hand.

Plan of ward 00001, today 15 Dec 2025::

    T001  weight 2, approved        → (1 × 50 + 3 × 25) / 4 = 31.25
      T002  weight 1, draft, 50 %, deadline 14 Dec (overdue)      → 50
      T003  weight 3, approved, milestones 1 done of weights 1+3  → 25
      T004  weight 5, cancelled                                   → left out
    T005  weight 1, done (its own 10 % no longer counts)          → 100
    T006  weight 1, draft, 0 %, deadline 1 Dec (overdue), no measure → 0
    T007  weight 10, cancelled, deadline 1 Dec (not overdue)      → left out
    plan: (2 × 31.25 + 1 × 100 + 1 × 0) / 4 = 40.625

T001, T002, T003 (and the cancelled T004, T007) serve a2.satisfaction, T005 a1.plan, T006
a2.online. Ward 00002 has its own T001 (weight 1, 80 %) for a2.satisfaction. Leads: SNV for
a1.plan and a2.satisfaction, SXD for a2.online. A sub-task counts through its parent, so:

- a2.satisfaction: topmost 00001/T001 (31.25, ×2) and 00002/T001 (80) → 142.5 / 3 = 47.5;
  overdue T002;
- SNV: 00001/T001 (×2), T005 (100), 00002/T001 (80) → 242.5 / 4 = 60.625; five tasks, one
  of them (00002/T001, a bare statement) without its "5 rõ";
- SXD: T006 → 0, overdue, without its measure.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from govindex.improvement.models import TaskStatus
from govindex.improvement.selectors import city_plan, tasks_by_leaf, unit_plan, weighted_mean
from govindex.improvement.services import (
    criterion_lead_assign,
    milestone_add,
    milestone_complete,
    task_approve,
    task_create,
    task_set_progress,
    task_set_status,
)
from tests.improvement.plan_fixtures import *  # noqa: F403 (the fixtures)
from tests.improvement.plan_fixtures import PlanWorld

TODAY = dt.date(2025, 12, 15)


@pytest.fixture
def tree(world: PlanWorld) -> dict[str, Any]:
    leader, staff = world.people["leader_own"], world.people["staff_own"]
    t1 = task_approve(task=world.complete_task(weight=2), actor=leader)
    t2 = world.complete_task(parent=t1, deadline=dt.date(2025, 12, 14))
    task_set_progress(task=t2, progress=50, actor=staff)
    t3 = task_approve(task=world.complete_task(parent=t1, weight=3, deadline=TODAY), actor=leader)
    first = milestone_add(task=t3, title="Phiếu khảo sát", due=dt.date(2025, 11, 1), actor=staff)
    milestone_add(task=t3, title="Báo cáo", due=dt.date(2026, 1, 31), weight=3, actor=staff)
    milestone_complete(milestone=first, done_on=dt.date(2025, 11, 2), actor=staff)
    t4 = world.complete_task(parent=t1, weight=5)
    task_set_status(task=t4, to=TaskStatus.CANCELLED, actor=staff)
    t5 = task_approve(
        task=world.complete_task(deadline=dt.date(2025, 1, 1), leaf_ids=["a1.plan"]),
        actor=leader,
    )
    task_set_progress(task=t5, progress=10, actor=staff)
    task_set_status(task=t5, to=TaskStatus.DONE, actor=staff)
    t6 = world.complete_task(measure="", deadline=dt.date(2025, 12, 1), leaf_ids=["a2.online"])
    t7 = world.complete_task(weight=10, deadline=dt.date(2025, 12, 1))
    task_set_status(task=t7, to=TaskStatus.CANCELLED, actor=staff)
    other = task_create(
        round=world.round,
        unit=world.units["00002"],
        actor=world.people["staff_other"],
        statement="Khảo sát tại xã",
        progress=80,
        leaf_ids=["a2.satisfaction"],
    )
    city = world.people["city_leader"]
    for leaf_id, code in (("a1.plan", "SNV"), ("a2.satisfaction", "SNV"), ("a2.online", "SXD")):
        criterion_lead_assign(
            round=world.round, leaf_id=leaf_id, lead_unit=world.units[code], actor=city
        )
    return {
        "T001": t1,
        "T002": t2,
        "T003": t3,
        "T004": t4,
        "T005": t5,
        "T006": t6,
        "T007": t7,
        "U1": other,
    }


def test_the_unit_plan_rolls_up_by_hand(
    world: PlanWorld, tree: dict[str, Any], django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(3):
        plan = unit_plan(world.round, world.ward, today=TODAY)
    by_ref = {node.task.ref: node for node in plan.nodes}
    assert [node.task.ref for node in plan.nodes] == [
        "T001",
        "T002",
        "T003",
        "T004",
        "T005",
        "T006",
        "T007",
    ]
    assert [by_ref[ref].depth for ref in ("T001", "T002", "T004", "T005")] == [0, 1, 1, 0]
    assert {ref: node.progress for ref, node in by_ref.items()} == {
        "T001": 31.25,
        "T002": 50.0,
        "T003": 25.0,
        "T004": None,
        "T005": 100.0,
        "T006": 0.0,
        "T007": None,
    }
    assert {ref for ref, node in by_ref.items() if node.overdue} == {"T002", "T006"}
    assert by_ref["T006"].five_clear_missing == ["measure"]
    assert (plan.tasks, plan.approved, plan.overdue, plan.non_compliant) == (5, 3, 2, 1)
    assert plan.progress == 40.625


def test_the_unit_plan_of_an_empty_plan_is_not_applicable(world: PlanWorld) -> None:
    plan = unit_plan(world.round, world.ward, today=TODAY)
    assert (plan.tasks, plan.progress) == (0, None)


def test_the_city_plan_per_lead_department(
    world: PlanWorld, tree: dict[str, Any], django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(5):
        departments = city_plan(world.round, today=TODAY)
    snv, sxd = departments
    assert snv.department.code == "SNV"
    assert [
        (
            c.leaf_id,
            [f"{n.task.unit.code}/{n.task.ref}" for n in c.tasks],
            c.progress,
            c.overdue,
            c.units,
        )
        for c in snv.criteria
    ] == [
        ("a1.plan", ["00001/T005"], 100.0, 0, 1),
        ("a2.satisfaction", ["00001/T001", "00001/T002", "00001/T003", "00002/T001"], 47.5, 1, 2),
    ]
    assert (snv.tasks, snv.overdue, snv.non_compliant, snv.progress) == (5, 1, 1, 60.625)
    assert sxd.department.code == "SXD"
    assert [(c.leaf_id, c.progress, c.overdue) for c in sxd.criteria] == [("a2.online", 0.0, 1)]
    assert (sxd.tasks, sxd.overdue, sxd.non_compliant, sxd.progress) == (1, 1, 1, 0.0)


def test_tasks_by_leaf_for_the_diagnosis(
    world: PlanWorld, tree: dict[str, Any], django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(2):
        by_leaf = tasks_by_leaf(world.round, world.ward)
    assert {leaf: [task.ref for task in tasks] for leaf, tasks in by_leaf.items()} == {
        "a2.satisfaction": ["T001", "T002", "T003", "T004", "T007"],
        "a1.plan": ["T005"],
        "a2.online": ["T006"],
    }
    assert by_leaf["a2.online"][0].five_clear_missing == ["measure"]


def test_weighted_mean_leaves_out_not_applicable() -> None:
    assert weighted_mean([(1, 50.0), (3, 25.0), (5, None)]) == 31.25
    assert weighted_mean([(1, None)]) is None
    assert weighted_mean([]) is None
