"""The findings and plan screens: what they show, their forms (with and without htmx), the
import's problems, and the queries each page costs (pinned)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from govindex.improvement.models import Finding, Task, TaskStatus
from govindex.improvement.plan_table import COLUMNS
from govindex.improvement.services import (
    criterion_lead_assign,
    finding_record,
    milestone_add,
    task_approve,
)
from govindex.improvement.views.findings import CriterionRef
from tests.improvement.plan_fixtures import *  # noqa: F403 (the fixtures)
from tests.improvement.plan_fixtures import PlanWorld

Make = Callable[[Any], Client]


@pytest.fixture
def filled(world: PlanWorld) -> PlanWorld:
    """Two causes, four tasks (one approved with a milestone, one overdue without its measure,
    a sub-task), and a lead."""
    staff = world.people["staff_own"]
    finding_record(
        round=world.round,
        unit=world.ward,
        leaf_id="a2.satisfaction",
        root_cause=world.cause("coordination"),
        cause_text="Chưa khảo sát đủ số phiếu",
        responsible_unit=world.ward,
        responsible_person=world.people["leader_own"],
        actor=staff,
    )
    finding_record(
        round=world.round,
        unit=world.ward,
        leaf_id="a1.report",
        root_cause=world.cause("evidence"),
        cause_text="",
        responsible_unit=world.units["SXD"],
        responsible_person_name="Lê Văn Tâm",
        actor=staff,
    )
    parent = task_approve(task=world.complete_task(), actor=world.people["leader_own"])
    milestone_add(task=parent, title="Phiếu khảo sát", due=dt.date(2099, 1, 31), actor=staff)
    world.complete_task(parent=parent, statement="Tập huấn tổ trưởng")
    world.complete_task(measure="", deadline=dt.date(2020, 1, 31), leaf_ids=["a2.online"])
    world.complete_task(statement="Rà soát văn bản", leaf_ids=["a1.report"])
    criterion_lead_assign(
        round=world.round,
        leaf_id="a2.satisfaction",
        lead_unit=world.units["SNV"],
        actor=world.people["city_leader"],
    )
    return world


def plan_url(world: PlanWorld, name: str = "improvement:plan", *args: Any) -> str:
    return reverse(name, args=[world.round.pk, "00001", *args])


def test_the_plan_page(
    filled: PlanWorld, client_for: Make, django_assert_max_num_queries: Any
) -> None:
    client = client_for(filled.people["leader_own"])
    with django_assert_max_num_queries(22):
        response = client.get(plan_url(filled))
    assert response.status_code == 200
    html = response.content.decode()
    plan = response.context["plan"]
    assert (plan.tasks, plan.approved, plan.overdue, plan.non_compliant) == (4, 1, 1, 1)
    assert "Remediation plan: An Khanh Ward" in html
    assert "5 rõ incomplete: measure" in html
    assert html.count('tag-overdue">Overdue</span>') == 1
    assert "Phiếu khảo sát" in html
    assert ">Approve</button>" in html  # the leader approves the drafts
    assert "Lê Văn Tâm" in html  # the recorded causes
    assert f'href="/improvement/{filled.round.pk}/units/00001/plan/export.xlsx"' in html
    # a task's criteria by name, their ids on hover
    assert 'class="tag criterion-tag" title="Reports (a1.report)">Reports</span>' in html


def test_the_plan_query_count_does_not_grow_with_tasks(
    filled: PlanWorld, client_for: Make, django_assert_max_num_queries: Any
) -> None:
    for number in range(20):
        filled.complete_task(statement=f"Nhiệm vụ {number}")
    client = client_for(filled.people["leader_own"])
    with django_assert_max_num_queries(22):
        assert client.get(plan_url(filled)).status_code == 200


def test_staff_do_not_see_the_approve_button(filled: PlanWorld, client_for: Make) -> None:
    html = client_for(filled.people["staff_own"]).get(plan_url(filled)).content.decode()
    assert ">Approve</button>" not in html
    assert 'id="task-form"' in html


def test_an_appraiser_reads_without_forms(filled: PlanWorld, client_for: Make) -> None:
    html = client_for(filled.people["appraiser"]).get(plan_url(filled)).content.decode()
    assert 'id="task-form"' not in html
    assert "task-actions" not in html
    assert "Check and import" not in html


def test_the_add_task_form_names_the_criterion_it_came_from(
    filled: PlanWorld, client_for: Make
) -> None:
    response = client_for(filled.people["staff_own"]).get(plan_url(filled) + "?criterion=a1.plan")
    form = response.context["task_form"]
    assert form.initial["criteria"] == ["a1.plan"]
    assert '<option value="a1.plan" selected>a1.plan · Plan</option>' in response.content.decode()


def test_adding_a_task_from_the_form(filled: PlanWorld, client_for: Make) -> None:
    client = client_for(filled.people["staff_own"])
    response = client.post(
        plan_url(filled, "improvement:task_add"),
        {
            "statement": "Công khai thủ tục",
            "person": filled.people["staff_own"].pk,
            "deadline": "30/06/2099",
            "accountable_unit": filled.ward.pk,
            "expected_output": "Bảng niêm yết",
            "measure": "100 % thủ tục",
            "criteria": ["a1.plan", "a2.online"],
            "weight": "1,5",
        },
    )
    assert response.status_code == 302, response.context["task_form"].errors
    task = Task.objects.get(ref="T005")
    assert response["Location"] == plan_url(filled) + f"#task-{task.pk}"
    assert (task.deadline, task.weight, task.status) == (dt.date(2099, 6, 30), 1.5, "draft")
    assert sorted(task.criteria.values_list("leaf_id", flat=True)) == ["a1.plan", "a2.online"]


def test_a_bad_task_form_says_what_is_wrong(filled: PlanWorld, client_for: Make) -> None:
    response = client_for(filled.people["staff_own"]).post(
        plan_url(filled, "improvement:task_add"),
        {"statement": "x", "deadline": "31/02/2099", "weight": "0"},
    )
    assert response.status_code == 400
    errors = response.context["task_form"].errors
    assert errors["deadline"] == [
        "“31/02/2099” is not a date; write it as 2025-06-30 or 30/06/2025."
    ]
    assert errors["weight"] == ["Ensure this value is greater than or equal to 0.01."]
    assert Task.objects.count() == 4


def test_approving_an_incomplete_task_shows_what_is_missing(
    filled: PlanWorld, client_for: Make
) -> None:
    task = Task.objects.get(ref="T003")
    client = client_for(filled.people["leader_own"])
    response = client.post(plan_url(filled, "improvement:task_approve", task.pk), follow=True)
    assert "Task T003 cannot be approved: the “5 rõ” lack measure." in response.content.decode()
    task.refresh_from_db()
    assert task.status == TaskStatus.DRAFT


def test_the_import_shows_every_problem_and_writes_nothing(
    filled: PlanWorld, client_for: Make
) -> None:
    content = (
        ",".join(COLUMNS)
        + "\nN1,,Task,hoa,2099-02-30,00001,O,M,a1.plan,1,0,draft,"
        + "\nN2,,Task,hoa,2099-02-28,NOPE,O,M,a1.plan,1,0,draft,\n"
    ).encode()
    response = client_for(filled.people["staff_own"]).post(
        plan_url(filled, "improvement:plan_import"),
        {"file": SimpleUploadedFile("plan.csv", content, content_type="text/csv")},
    )
    assert response.status_code == 400
    assert response.context["import_problems"] == [
        "Row 2, column deadline: “2099-02-30” is not a date; expected YYYY-MM-DD or DD/MM/YYYY.",
        "Row 3, column accountable_unit: “NOPE” is not the code of a unit.",
    ]
    assert "2 problems in the file — nothing was imported" in response.content.decode()
    assert not Task.objects.filter(ref__in=["N1", "N2"]).exists()


def test_the_finding_form_without_javascript(filled: PlanWorld, client_for: Make) -> None:
    client = client_for(filled.people["staff_own"])
    url = reverse("improvement:finding_edit", args=[filled.round.pk, "00001", "a1.plan"])
    page = client.get(url)
    assert page.status_code == 200
    assert "Why criterion a1.plan was not achieved" in page.content.decode()
    response = client.post(
        url,
        {
            "root_cause": filled.cause("leadership").pk,
            "cause_text": "Kế hoạch ban hành chậm",
            "responsible_unit": filled.ward.pk,
            "person_name": "Nguyễn Văn Hải",
            "next": "/somewhere-else/",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/somewhere-else/"
    finding = Finding.objects.get(leaf_id="a1.plan")
    assert (finding.root_cause.code, finding.responsible_person_name) == (
        "leadership",
        "Nguyễn Văn Hải",
    )


def test_the_finding_form_refuses_an_open_redirect(filled: PlanWorld, client_for: Make) -> None:
    client = client_for(filled.people["staff_own"])
    url = reverse("improvement:finding_edit", args=[filled.round.pk, "00001", "a1.plan"])
    response = client.post(
        url,
        {
            "root_cause": filled.cause("leadership").pk,
            "responsible_unit": filled.ward.pk,
            "person_name": "Nguyễn Văn Hải",
            "next": "https://evil.example/",
        },
    )
    assert response.status_code == 302
    assert not response["Location"].startswith("https://evil.example")


def test_the_finding_form_with_htmx_answers_with_the_row(
    filled: PlanWorld, client_for: Make
) -> None:
    client = client_for(filled.people["staff_own"])
    url = reverse("improvement:finding_edit", args=[filled.round.pk, "00001", "a1.plan"])
    form = client.get(url + "?status=partly", headers={"HX-Request": "true"})
    assert form.status_code == 200
    assert b"<h1>" not in form.content  # a fragment, not a page
    assert b'hx-post="' in form.content
    missing = client.post(url, {"status": "partly"}, headers={"HX-Request": "true"})
    assert missing.status_code == 200
    assert "Choose the responsible person or type their name." in missing.content.decode()
    saved = client.post(
        url,
        {
            "status": "partly",
            "root_cause": filled.cause("budget").pk,
            "responsible_unit": filled.ward.pk,
            "person": filled.people["leader_own"].pk,
        },
        headers={"HX-Request": "true"},
    )
    html = saved.content.decode()
    assert 'id="criterion-actions-a1.plan"' in html
    assert "Insufficient budget" in html
    assert "Trần Thị Lan" in html
    assert "Cause recorded." in html


def test_the_criterion_actions_include(filled: PlanWorld, rf: Any) -> None:
    """What the diagnosis page shows in a criterion's row."""
    request = rf.get("/diagnosis/")
    request.user = filled.people["staff_own"]
    from govindex.improvement.selectors import findings_by_leaf, tasks_by_leaf

    findings = findings_by_leaf(filled.round, filled.ward)
    tasks = tasks_by_leaf(filled.round, filled.ward)

    def render(leaf_id: str, status: str) -> str:
        return render_to_string(
            "improvement/includes/criterion_actions.html",
            {
                "row": CriterionRef(leaf_id=leaf_id, status=status),
                "finding": findings.get(leaf_id),
                "tasks": tasks.get(leaf_id, []),
                "round": filled.round,
                "unit": filled.ward,
                "user": request.user,
            },
            request=request,
        )

    recorded = render("a2.satisfaction", "not_achieved")
    assert "Weak coordination between agencies" in recorded
    assert "Change the cause" in recorded
    assert "T001" in recorded and "T002" in recorded
    online = render("a2.online", "not_achieved")
    assert "Record the cause" in online
    assert "Overdue" in online
    assert "5 rõ incomplete" in online
    assert "Record the cause" not in render("a1.plan", "achieved")
    assert "Add a task for this criterion" not in render("a3.local", "not_applicable")
    request.user = filled.people["appraiser"]
    assert "No cause recorded" in render("a2.online", "not_achieved")


def test_the_city_plan_page(
    filled: PlanWorld, client_for: Make, django_assert_max_num_queries: Any
) -> None:
    client = client_for(filled.people["city_leader"])
    url = reverse("improvement:city_plan", args=[filled.round.pk])
    with django_assert_max_num_queries(16):
        response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Department of Home Affairs" in html
    [snv] = response.context["departments"]
    assert (snv.tasks, snv.overdue) == (2, 0)
    assert "Assign a lead department" in html
    assert '<span class="task-ref">a2.satisfaction</span> Satisfaction → ' in html
    latest = client.get(reverse("improvement:city_plan_latest"))
    assert latest["Location"] == url


def test_assigning_a_lead_from_the_city_plan(filled: PlanWorld, client_for: Make) -> None:
    client = client_for(filled.people["city_leader"])
    url = reverse("improvement:lead_assign", args=[filled.round.pk])
    refused = client.post(url, {"leaf_id": "a1.plan", "lead_unit": filled.ward.pk})
    assert refused.status_code == 400
    assert refused.context["lead_form"].errors["lead_unit"] == [
        "Select a valid choice. That choice is not one of the available choices."
    ]
    done = client.post(url, {"leaf_id": "a1.plan", "lead_unit": filled.units["SXD"].pk})
    assert done.status_code == 302


def test_the_navigation_shows_the_city_plan_to_city_leaders(
    filled: PlanWorld, client_for: Make
) -> None:
    city = client_for(filled.people["city_leader"]).get(plan_url(filled)).content.decode()
    ward = client_for(filled.people["staff_own"]).get(plan_url(filled)).content.decode()
    link = f'href="{reverse("improvement:city_plan_latest")}"'
    assert link in city
    assert link not in ward


def test_the_admin_lists_and_audits_root_causes(filled: PlanWorld) -> None:
    from tests.factories import UserFactory

    admin_client = Client(headers={"Accept-Language": "en"})
    admin_client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    for model in ("rootcause", "finding", "criterionlead", "task"):
        assert admin_client.get(reverse(f"admin:improvement_{model}_changelist")).status_code == 200
    task = Task.objects.get(ref="T001")
    assert (
        admin_client.get(reverse("admin:improvement_task_change", args=[task.pk])).status_code
        == 200
    )
    cause = filled.cause("budget")
    response = admin_client.post(
        reverse("admin:improvement_rootcause_change", args=[cause.pk]),
        {
            "code": "budget",
            "name_vi": "Kinh phí chưa đáp ứng yêu cầu",
            "name_en": "Budget not sufficient",
            "name_id": "Anggaran tidak mencukupi",
            "order": "6",
        },
    )
    assert response.status_code == 302
    cause.refresh_from_db()
    assert (cause.name_en, cause.active) == ("Budget not sufficient", False)
    from govindex.audit.models import AuditRecord

    record = AuditRecord.objects.filter(action="root_cause.update").get()
    assert record.after["name_en"] == "Budget not sufficient"
