"""The plan file: export → import into an empty plan → export again gives the same rows, in CSV
and in XLSX; importing the same file twice changes nothing; a bad file writes nothing and names
every problem by row and column (issue 6, item 3)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from govindex.audit.models import AuditRecord
from govindex.errors import ApplicationError
from govindex.improvement.models import Milestone, Task, TaskCriterion, TaskStatus
from govindex.improvement.plan_table import COLUMNS, PlanTableError, plan_export, plan_rows
from govindex.improvement.services import (
    milestone_add,
    milestone_complete,
    plan_import,
    task_approve,
    task_set_progress,
    task_set_status,
)
from govindex.tabular import read_table
from tests.factories import RoundFactory, RoundUnitFactory
from tests.improvement.plan_fixtures import *  # noqa: F403 (the fixtures)
from tests.improvement.plan_fixtures import PlanWorld

HEADER = ",".join(COLUMNS)


@pytest.fixture
def plan(world: PlanWorld) -> None:
    """A plan with a sub-task, a person without an account, several criteria, milestones (one
    done, one weighted), and every status."""
    leader, staff = world.people["leader_own"], world.people["staff_own"]
    parent = task_approve(
        task=world.complete_task(weight=2, leaf_ids=["a2.satisfaction", "a2.online"]), actor=leader
    )
    child = world.complete_task(
        parent=parent,
        person=None,
        person_name='Nguyễn Thị Hạnh, tổ trưởng, "tổ 7"',
        statement="Tập huấn tổ trưởng dân phố\nvề phiếu khảo sát",
        weight=0.5,
    )
    child = task_approve(task=child, actor=leader)
    task_set_progress(task=child, progress=37.5, actor=staff)
    first = milestone_add(
        task=parent, title="Phiếu khảo sát", due=dt.date(2025, 11, 1), actor=staff
    )
    milestone_add(task=parent, title="Báo cáo", due=dt.date(2026, 1, 31), weight=3, actor=staff)
    milestone_complete(milestone=first, done_on=dt.date(2025, 11, 2), actor=staff)
    done = task_approve(task=world.complete_task(leaf_ids=["a1.plan"]), actor=leader)
    task_set_status(task=done, to=TaskStatus.DONE, actor=staff)
    cancelled = world.complete_task(leaf_ids=[])
    task_set_status(task=cancelled, to=TaskStatus.CANCELLED, actor=staff)
    world.complete_task(measure="", deadline=None, accountable_unit=world.units["SXD"])


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def import_file(world: PlanWorld, path: Path, unit_code: str = "00002", **options: Any) -> Any:
    values: dict[str, Any] = {
        "round": world.round,
        "unit": world.units[unit_code],
        "path": path,
        "actor": world.people["leader_other"],
        "allow_approval": True,
    }
    values.update(options)
    return plan_import(**values)


def test_the_exported_rows(world: PlanWorld, plan: None) -> None:
    rows = plan_rows(world.round, world.ward)
    assert [(r["ref"], r["parent_ref"], r["status"], r["progress"], r["weight"]) for r in rows] == [
        ("T001", "", "in_progress", "0", "2"),  # started by its first milestone done
        ("T002", "T001", "in_progress", "37.5", "0.5"),
        ("T003", "", "done", "0", "1"),
        ("T004", "", "cancelled", "0", "1"),
        ("T005", "", "draft", "0", "1"),
    ]
    first = rows[0]
    assert first["person"] == "hoa"
    assert first["criteria"] == "a2.online; a2.satisfaction"
    assert first["milestones"] == "Phiếu khảo sát|2025-11-01|2025-11-02; Báo cáo|2026-01-31||3"
    assert first["deadline"] == "2099-03-31"
    assert rows[1]["person"] == 'Nguyễn Thị Hạnh, tổ trưởng, "tổ 7"'
    assert rows[4]["accountable_unit"] == "SXD"
    assert rows[4]["deadline"] == ""


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_round_trip_into_another_unit_and_round(
    world: PlanWorld, plan: None, tmp_path: Path, fmt: str
) -> None:
    original = plan_export(world.round, world.ward, fmt)
    result = import_file(world, write(tmp_path, f"plan.{fmt}", original))
    assert (result.created, result.updated, result.unchanged) == (5, 0, 0)
    other_unit = world.units["00002"]
    assert plan_rows(world.round, other_unit) == plan_rows(world.round, world.ward)
    assert plan_export(world.round, other_unit, "csv") == plan_export(
        world.round, world.ward, "csv"
    )
    again = plan_export(world.round, other_unit, fmt)
    assert read_table(write(tmp_path, f"again.{fmt}", again)) == read_table(
        write(tmp_path, f"first.{fmt}", original)
    )
    # The same tasks, links and milestones, task by task.
    copied = Task.objects.filter(unit=other_unit).order_by("ref")
    assert [t.parent.ref if t.parent else None for t in copied] == [None, "T001", None, None, None]
    assert TaskCriterion.objects.filter(task__unit=other_unit).count() == 5
    assert sorted(
        Milestone.objects.filter(task__unit=other_unit).values_list(
            "title", "due", "done_on", "weight"
        )
    ) == [
        ("Báo cáo", dt.date(2026, 1, 31), None, 3.0),
        ("Phiếu khảo sát", dt.date(2025, 11, 1), dt.date(2025, 11, 2), 1.0),
    ]
    approved = copied.get(ref="T001")
    assert approved.approved_by == world.people["leader_other"]
    # Into an empty plan of another round too.
    later = RoundFactory(name="Mini 2026", state="open", year=2026)
    RoundUnitFactory(round=later, unit=world.ward)
    import_file(world, write(tmp_path, f"later.{fmt}", original), unit_code="00001", round=later)
    assert plan_export(later, world.ward, "csv") == plan_export(world.round, world.ward, "csv")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_importing_the_same_file_twice_changes_nothing(
    world: PlanWorld, plan: None, tmp_path: Path, fmt: str
) -> None:
    path = write(tmp_path, f"plan.{fmt}", plan_export(world.round, world.ward, fmt))
    import_file(world, path)
    records = AuditRecord.objects.count()
    snapshot = plan_export(world.round, world.units["00002"], "csv")
    result = import_file(world, path)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 5)
    assert AuditRecord.objects.count() == records
    assert plan_export(world.round, world.units["00002"], "csv") == snapshot


def test_an_import_updates_by_ref_and_records_what_changed(
    world: PlanWorld, plan: None, tmp_path: Path
) -> None:
    text = plan_export(world.round, world.ward, "csv").decode("utf-8-sig")
    changed = text.replace("T003,,", "T003,T001,", 1).replace(
        "Phiếu khảo sát|2025-11-01|2025-11-02; Báo cáo|2026-01-31||3", "Báo cáo|2026-02-28||3"
    )
    result = import_file(world, write(tmp_path, "changed.csv", changed.encode()), unit_code="00001")
    assert (result.created, result.updated, result.unchanged) == (0, 2, 3)
    moved = Task.objects.get(unit=world.ward, ref="T003")
    assert moved.parent.ref == "T001"
    parent = Task.objects.get(unit=world.ward, ref="T001")
    assert list(parent.milestones.values_list("title", "due")) == [
        ("Báo cáo", dt.date(2026, 2, 28))
    ]
    records = AuditRecord.objects.filter(action="task.import").order_by("pk")
    assert [(r.before, r.after) for r in records] == [
        (
            {
                "milestones": [
                    ["Báo cáo", "2026-01-31", "", 3.0],
                    ["Phiếu khảo sát", "2025-11-01", "2025-11-02", 1.0],
                ]
            },
            {"milestones": [["Báo cáo", "2026-02-28", "", 3.0]]},
        ),
        ({"parent": None}, {"parent": "T001"}),
    ]


BAD_ROWS = [
    "T1,,Good task,hoa,2099-03-31,00001,Output,Measure,a1.plan,1,0,draft,",
    "T2,,Wrong date,hoa,31/13/2025,00001,Output,Measure,,1,0,draft,",
    "T3,,Unknown unit,hoa,2099-03-31,99999,Output,Measure,,1,0,draft,",
    "T4,,Unknown criterion,hoa,2099-03-31,00001,Output,Measure,a1.plan;a9.x,1,0,draft,",
    "T5,NOPE,Unknown parent,hoa,2099-03-31,00001,Output,Measure,,1,0,draft,",
    "C1,C2,Cycle one,hoa,2099-03-31,00001,Output,Measure,,1,0,draft,",
    "C2,C1,Cycle two,hoa,2099-03-31,00001,Output,Measure,,1,0,draft,",
    "T6,,Too much progress,hoa,2099-03-31,00001,Output,Measure,,1,150,draft,",
    "T1,,Duplicate ref,hoa,2099-03-31,00001,Output,Measure,,1,0,draft,",
    "T7,,Weightless,hoa,30/06/2099,00001,Output,Measure,,0,0,finished,Bad milestone|someday|",
    "T8,,Approved without measure,hoa,2099-03-31,00001,Output,,,1,0,approved,",
]


def test_a_bad_file_writes_nothing_and_names_every_problem(
    world: PlanWorld, tmp_path: Path
) -> None:
    path = write(tmp_path, "bad.csv", "\n".join([HEADER, *BAD_ROWS]).encode())
    with pytest.raises(PlanTableError) as refused:
        import_file(world, path, unit_code="00001")
    assert refused.value.problems == [
        "Row 3, column deadline: “31/13/2025” is not a date; expected YYYY-MM-DD or DD/MM/YYYY.",
        "Row 4, column accountable_unit: “99999” is not the code of a unit.",
        "Row 5, column criteria: a9.x: not criteria of framework test-mini.",
        "Row 6, column parent_ref: “NOPE” is not the ref of a task in the file or in the plan.",
        "Row 7, column parent_ref: “C2” would put the task under itself (C1 → C2 → C1).",
        "Row 8, column parent_ref: “C1” would put the task under itself (C2 → C1 → C2).",
        "Row 9, column progress: 150 is outside 0–100.",
        "Row 10, column ref: “T1” is already the ref of row 2; each ref appears once.",
        "Row 11, column weight: 0 must be greater than 0.",
        "Row 11, column status: “finished” is not a status; expected one of draft, approved, "
        "in_progress, done, cancelled.",
        "Row 11, column milestones: “Bad milestone|someday|” is not a milestone; expected "
        "title|YYYY-MM-DD|done date or empty[|weight], milestones separated by “;”.",
        "Row 12, column status: an approved task needs all of the “5 rõ”; missing: measure.",
    ]
    assert not Task.objects.exists()
    assert not AuditRecord.objects.filter(action="task.import").exists()


def test_staff_cannot_import_approved_tasks(world: PlanWorld, tmp_path: Path) -> None:
    row = "T1,,Task,hoa,2099-03-31,00001,Output,Measure,a1.plan,1,0,approved,"
    path = write(tmp_path, "approved.csv", f"{HEADER}\n{row}".encode())
    with pytest.raises(PlanTableError) as refused:
        import_file(world, path, unit_code="00001", allow_approval=False)
    assert refused.value.problems == [
        "Row 2, column status: only the unit's leader may import an approved task; write draft "
        "instead."
    ]


def test_the_header_is_checked_first(world: PlanWorld, tmp_path: Path) -> None:
    path = write(tmp_path, "header.csv", b"ref;title;ref\nT1;x;y\n")
    with pytest.raises(PlanTableError) as refused:
        import_file(world, path, unit_code="00001")
    assert refused.value.problems == [
        "Row 1: the header needs the columns statement; the plan format has: "
        + ", ".join(COLUMNS)
        + ".",
        "Row 1: unknown columns title; the plan format has: " + ", ".join(COLUMNS) + ".",
        "Row 1: ref appears in more than one column.",
    ]


def test_a_plan_typed_by_a_clerk_imports(world: PlanWorld, tmp_path: Path) -> None:
    """Semicolons (Excel in Vietnamese), day/month dates, a decimal comma, a parent below its
    child, a person without an account, columns left out."""
    text = (
        "ref;parent_ref;statement;person;deadline;accountable_unit;expected_output;measure;"
        "criteria;weight;milestones\n"
        "B;A;Bước 2;Lê Thị Thu;15/03/2099;00001;Biên bản;01 biên bản;a1.plan;0,5;\n"
        "A;;Bước 1;hoa;28/02/2099;00001;Kế hoạch;01 kế hoạch;a1.plan;1;Dự thảo|10/01/2099|\n"
    )
    result = import_file(world, write(tmp_path, "typed.csv", text.encode()), unit_code="00001")
    assert (result.created, result.updated, result.unchanged) == (2, 0, 0)
    b = Task.objects.get(ref="B")
    assert (b.parent.ref, b.person_name, b.deadline, b.weight, b.status) == (
        "A",
        "Lê Thị Thu",
        dt.date(2099, 3, 15),
        0.5,
        TaskStatus.DRAFT,
    )
    assert Task.objects.get(ref="A").person == world.hoa


def test_import_needs_an_open_round(world: PlanWorld, tmp_path: Path) -> None:
    world.round.state = "draft"
    world.round.save()
    path = write(tmp_path, "plan.csv", f"{HEADER}\n".encode())
    with pytest.raises(ApplicationError):
        import_file(world, path, unit_code="00001")


EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "plan-example.csv"


def test_the_documented_example_round_trips(db: None, settings: Any, tmp_path: Path) -> None:
    """docs/examples/plan-example.csv imports into a round of the Hanoi framework and exports
    again byte for byte (it is written in the canonical form the export produces)."""
    from govindex.assessments.frameworks import framework_for
    from govindex.orgs.models import Role
    from tests.factories import MembershipFactory, UnitFactory, UserFactory

    settings.GOVINDEX_FRAMEWORKS_DIR = (
        Path(__file__).resolve().parents[2] / "govindex" / "frameworks"
    )
    framework = framework_for("hanoi-par-units-5666")
    round = RoundFactory(
        framework_id=framework.id, framework_version=framework.version, state="open"
    )
    ward = UnitFactory(code="00070", name_vi="Phường Hoàn Kiếm")
    UnitFactory(code="SKHCN", name_vi="Sở Khoa học và Công nghệ", kind="department")
    RoundUnitFactory(round=round, unit=ward)
    leader = UserFactory(username="lanhdao.phuong")
    MembershipFactory(user=leader, unit=ward, role=Role.LEADER)
    UserFactory(username="canbo.phuong")
    result = plan_import(round=round, unit=ward, path=EXAMPLE, actor=leader, allow_approval=True)
    assert (result.created, result.updated, result.unchanged) == (4, 0, 0)
    assert plan_export(round, ward, "csv") == b"\xef\xbb\xbf" + EXAMPLE.read_bytes()
    assert Task.objects.get(ref="T001").person.username == "canbo.phuong"
    assert Task.objects.get(ref="T002").person_name == "Nguyễn Văn Hùng"
