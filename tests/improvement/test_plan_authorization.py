"""Who may do what with findings, plans and the city plan: every action for every person, on
ward 00001's plan (issue 6, items 2 and 3).

Each cell signs in as that person, sends the request and checks the answer's status *and* the
database: a write that is done changes exactly what ``Action.changed`` checks and leaves one
audit record of ``Action.audit`` by that person; anything else changes nothing and records
nothing.

People: the staff and leader of 00001 (own) and of 00002 (other, in the same round), the staff of
SXD (the accountable unit of the plan's tasks), Hoa (the person in charge of the tasks, no role),
an outsider (staff of ward 00009, not in the round), an appraiser, a city leader, an
administrator.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from govindex.audit.models import AuditRecord
from govindex.improvement.models import CriterionLead, Finding, Milestone, Task, TaskStatus
from govindex.improvement.plan_table import COLUMNS
from govindex.improvement.services import milestone_add, task_approve
from govindex.orgs.models import Role, UnitKind
from tests.factories import MembershipFactory, UnitFactory, UserFactory
from tests.improvement.plan_fixtures import *  # noqa: F403 (the fixtures)
from tests.improvement.plan_fixtures import PlanWorld

ACTORS = (
    "anonymous",
    "staff_own",
    "leader_own",
    "staff_other",
    "leader_other",
    "department_staff",
    "person",
    "outsider",
    "appraiser",
    "city_leader",
    "admin",
)

# L  anonymous: 302 to the sign-in page    P  shown (200)      D  done (302), exactly its change
# F  forbidden (403)                      N  not found (404): the round is not theirs to see
#: action: one letter per person, in the order of ``ACTORS``.
EXPECTED = {
    #                     an st le so lo de pe ou ap ci ad
    "view_plan": "L  P  P  F  F  P  P  N  P  P  P",
    "export_plan": "L  P  P  F  F  P  P  N  P  P  P",
    "record_finding": "L  D  D  F  F  F  F  N  F  F  F",
    "add_task": "L  D  D  F  F  F  F  N  F  F  F",
    "edit_task": "L  D  D  F  F  F  F  N  F  F  F",
    "import_plan": "L  D  D  F  F  F  F  N  F  F  F",
    "approve_task": "L  F  D  F  F  F  F  N  F  F  D",
    "record_progress": "L  D  D  F  F  D  D  N  F  F  F",
    "add_milestone": "L  D  D  F  F  D  D  N  F  F  F",
    "complete_milestone": "L  D  D  F  F  D  D  N  F  F  F",
    "finish_task": "L  D  D  F  F  D  D  N  F  F  F",
    "cancel_task": "L  D  D  F  F  F  F  N  F  F  F",
    "view_city_plan": "L  F  F  F  F  F  F  F  P  P  P",
    "assign_lead": "L  F  F  F  F  F  F  F  F  D  D",
}


@dataclass
class Scene:
    world: PlanWorld
    approved: Task  # T001: approved, Hoa in charge, SXD accountable
    draft: Task  # T002: a complete draft
    milestone: Milestone  # on T003 (approved)


@pytest.fixture
def scene(world: PlanWorld) -> Scene:
    leader = world.people["leader_own"]
    sxd = world.units["SXD"]
    approved = task_approve(task=world.complete_task(accountable_unit=sxd), actor=leader)
    draft = world.complete_task(accountable_unit=sxd)
    with_milestone = task_approve(task=world.complete_task(accountable_unit=sxd), actor=leader)
    milestone = milestone_add(
        task=with_milestone, title="Phiếu", due=dt.date(2099, 1, 31), actor=leader
    )
    outsider_unit = UnitFactory(code="00009", kind=UnitKind.WARD)
    outsider = UserFactory(username="outsider")
    MembershipFactory(user=outsider, unit=outsider_unit, role=Role.STAFF)
    world.people["outsider"] = outsider
    world.people["person"] = world.hoa
    return Scene(world=world, approved=approved, draft=draft, milestone=milestone)


@dataclass(frozen=True)
class Action:
    method: str
    url: Callable[[Scene], str]
    data: Callable[[Scene], dict[str, Any]] | None = None
    #: What the database shows once the action is done (checked false before).
    changed: Callable[[Scene], bool] | None = None
    audit: str = ""


def unit_url(name: str, *args: Callable[[Scene], Any]) -> Callable[[Scene], str]:
    return lambda s: reverse(
        f"improvement:{name}", args=[s.world.round.pk, "00001", *(arg(s) for arg in args)]
    )


def plan_file(scene: Scene) -> dict[str, Any]:
    row = "N1,,Imported task,hoa,2099-03-31,00001,Output,Measure,a1.plan,1,0,draft,"
    content = f"{','.join(COLUMNS)}\n{row}\n".encode()
    return {"file": SimpleUploadedFile("plan.csv", content, content_type="text/csv")}


ACTIONS = {
    "view_plan": Action("get", unit_url("plan")),
    "export_plan": Action("get", unit_url("plan_export", lambda s: "csv")),
    "record_finding": Action(
        "post",
        unit_url("finding_edit", lambda s: "a1.plan"),
        lambda s: {
            "root_cause": s.world.cause("leadership").pk,
            "responsible_unit": s.world.ward.pk,
            "person_name": "Nguyễn Văn Hải",
        },
        lambda s: Finding.objects.filter(leaf_id="a1.plan").exists(),
        "finding.record",
    ),
    "add_task": Action(
        "post",
        unit_url("task_add"),
        lambda s: {"statement": "Nhiệm vụ mới", "weight": "1", "criteria": ["a1.plan"]},
        lambda s: Task.objects.filter(statement="Nhiệm vụ mới").exists(),
        "task.create",
    ),
    "edit_task": Action(
        "post",
        unit_url("task_edit", lambda s: s.draft.pk),
        lambda s: {
            "statement": "Đã sửa",
            "person": s.world.hoa.pk,
            "deadline": "2099-03-31",
            "accountable_unit": s.world.units["SXD"].pk,
            "expected_output": "Báo cáo",
            "measure": "100 %",
            "criteria": ["a2.satisfaction"],
            "weight": "1",
        },
        lambda s: Task.objects.get(pk=s.draft.pk).statement == "Đã sửa",
        "task.update",
    ),
    "import_plan": Action(
        "post",
        unit_url("plan_import"),
        plan_file,
        lambda s: Task.objects.filter(ref="N1").exists(),
        "task.import",
    ),
    "approve_task": Action(
        "post",
        unit_url("task_approve", lambda s: s.draft.pk),
        None,
        lambda s: Task.objects.get(pk=s.draft.pk).status == TaskStatus.APPROVED,
        "task.approve",
    ),
    "record_progress": Action(
        "post",
        unit_url("task_progress", lambda s: s.approved.pk),
        lambda s: {"progress": "40"},
        lambda s: Task.objects.get(pk=s.approved.pk).progress == 40.0,
        "task.progress",
    ),
    "add_milestone": Action(
        "post",
        unit_url("milestone_add", lambda s: s.approved.pk),
        lambda s: {"title": "Họp triển khai", "due": "2099-02-01", "weight": "1"},
        lambda s: s.approved.milestones.filter(title="Họp triển khai").exists(),
        "milestone.add",
    ),
    "complete_milestone": Action(
        "post",
        unit_url("milestone_done", lambda s: s.milestone.pk),
        None,
        lambda s: Milestone.objects.get(pk=s.milestone.pk).done_on is not None,
        "milestone.complete",
    ),
    "finish_task": Action(
        "post",
        unit_url("task_status", lambda s: s.approved.pk),
        lambda s: {"to": "done"},
        lambda s: Task.objects.get(pk=s.approved.pk).status == TaskStatus.DONE,
        "task.status",
    ),
    "cancel_task": Action(
        "post",
        unit_url("task_status", lambda s: s.draft.pk),
        lambda s: {"to": "cancelled"},
        lambda s: Task.objects.get(pk=s.draft.pk).status == TaskStatus.CANCELLED,
        "task.status",
    ),
    "view_city_plan": Action(
        "get", lambda s: reverse("improvement:city_plan", args=[s.world.round.pk])
    ),
    "assign_lead": Action(
        "post",
        lambda s: reverse("improvement:lead_assign", args=[s.world.round.pk]),
        lambda s: {"leaf_id": "a1.plan", "lead_unit": s.world.units["SNV"].pk},
        lambda s: CriterionLead.objects.filter(leaf_id="a1.plan").exists(),
        "criterion_lead.assign",
    ),
}

CELLS = [
    (action, actor, letter)
    for action, row in EXPECTED.items()
    for actor, letter in zip(ACTORS, row.split(), strict=True)
]


@pytest.mark.parametrize(("action_name", "actor", "expected"), CELLS)
def test_plan_authorization(
    scene: Scene,
    client_for: Callable[[Any], Client],
    action_name: str,
    actor: str,
    expected: str,
) -> None:
    action = ACTIONS[action_name]
    user = None if actor == "anonymous" else scene.world.people[actor]
    client = client_for(user)
    url = action.url(scene)
    if action.changed is not None:
        assert not action.changed(scene)
    audits_before = AuditRecord.objects.count()
    if action.method == "get":
        response = client.get(url)
    else:
        response = client.post(url, action.data(scene) if action.data else {})
    new_audits = list(AuditRecord.objects.filter(pk__gt=0).order_by("pk")[audits_before:])
    if expected == "L":
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    elif expected == "P":
        assert response.status_code == 200
    elif expected == "D":
        assert response.status_code == 302, getattr(response, "context", None) and [
            str(m) for m in response.context.get("messages", [])
        ]
        assert not response["Location"].startswith("/accounts/login/")
    else:
        assert response.status_code == {"F": 403, "N": 404}[expected]
    if expected == "D":
        assert action.changed is not None and action.changed(scene)
        assert [(r.action, r.actor) for r in new_audits] == [(action.audit, user)]
    else:
        if action.changed is not None:
            assert not action.changed(scene)
        assert new_audits == []
