"""The demo's causes and remediation plans for the 2025 round (issue 6, items 2 and 3).

Eight units (Hoàn Kiếm ward 00070, the four weakest communes/wards and the three weakest
departments of the round) record the root cause of their weakest criteria and a "5 rõ" plan for
them: about 25 tasks, some approved, some under way with milestones, three overdue and two drafts
that still lack part of their "5 rõ". Two not-achieved criteria of 00070 are left without a
cause, so that a visitor (and the browser test) can record one. The city makes ten criteria the
lead of a department (civil service → Sở Nội vụ, legal documents → Sở Tư pháp …).

Everything goes through the improvement services, as the demo actor; dates are counted from the
day the demo is built (so the overdue tasks stay overdue and the others due in the future).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.utils import timezone

from govindex.assessments.frameworks import round_framework
from govindex.assessments.models import NodeResult, Round, UnitResult
from govindex.improvement.models import (
    CriterionLead,
    Finding,
    Milestone,
    RootCause,
    Task,
    TaskCriterion,
    TaskStatus,
)
from govindex.improvement.services import (
    criterion_lead_assign,
    finding_record,
    milestone_add,
    milestone_complete,
    root_causes_seed,
    task_approve,
    task_create,
    task_set_progress,
    task_set_status,
    task_update,
)
from govindex.orgs.models import Unit, UnitKind
from govindex.scoring import Framework

DEMO_ACTOR = "system:demo"
HOAN_KIEM = "00070"

#: The tables this module fills, children before parents (for the demo's flush).
IMPROVEMENT_DEMO_TABLES = (Milestone, TaskCriterion, Task, CriterionLead, Finding)

#: A criterion is not achieved below half its points (the diagnosis' default threshold).
NOT_ACHIEVED_BELOW = 0.5

#: How many criteria the city gives a lead department: those most units recorded a cause for.
LEAD_COUNT = 10

#: The department that leads a criterion of each area, with the city's note.
AREA_LEADS = {
    "a1": ("VPUBND", "Văn phòng UBND thành phố theo dõi, đôn đốc"),
    "a2": ("STP", "Sở Tư pháp hướng dẫn, kiểm tra văn bản"),
    "a3": ("VPUBND", "Văn phòng UBND thành phố chủ trì kiểm soát TTHC"),
    "a4": ("SNV", "Sở Nội vụ hướng dẫn kiện toàn tổ chức bộ máy"),
    "a5": ("SNV", "Sở Nội vụ chủ trì về công chức, công vụ"),
    "a6": ("STC", "Sở Tài chính hướng dẫn công khai ngân sách"),
    "a7": ("SKHCN", "Sở Khoa học và Công nghệ bảo đảm hạ tầng số"),
    "a8": ("SNV", "Sở Nội vụ tổ chức đo lường sự hài lòng"),
}

#: Cause (code, what happened) by area of the framework.
CAUSES = {
    "a1": ("leadership", "Kế hoạch CCHC ban hành chậm, chưa phân công rõ người thực hiện"),
    "a2": ("legal", "Văn bản hướng dẫn của cấp trên thay đổi nhiều lần trong năm"),
    "a3": ("coordination", "Hồ sơ liên thông giữa các cơ quan còn bị trả đi trả lại"),
    "a4": ("staffing", "Sau sắp xếp, bộ máy chưa ổn định, thiếu công chức chuyên môn"),
    "a5": ("staffing", "Công chức mới chưa được bồi dưỡng nghiệp vụ kịp thời"),
    "a6": ("budget", "Kinh phí cho CCHC chưa được bố trí riêng"),
    "a7": ("systems_data", "Phần mềm một cửa chưa kết nối đầy đủ với cơ sở dữ liệu dân cư"),
    "a8": ("external", "Lượng hồ sơ tăng mạnh sau sáp nhập, người dân chưa quen thủ tục mới"),
}

#: (task statement, expected output, measure) by area; a unit's second task in the same area
#: takes the second line.
TASKS = {
    "a1": (
        (
            "Ban hành kế hoạch khắc phục hạn chế trong chỉ đạo, điều hành CCHC",
            "Kế hoạch khắc phục được lãnh đạo ký ban hành",
            "100 % nhiệm vụ có người phụ trách và thời hạn",
        ),
        (
            "Kiểm tra công tác CCHC tại các bộ phận trực thuộc",
            "Báo cáo kết quả kiểm tra, kiến nghị xử lý",
            "Kiểm tra ít nhất 30 % bộ phận trong năm",
        ),
    ),
    "a2": (
        (
            "Rà soát, hệ thống hóa văn bản do đơn vị ban hành",
            "Danh mục văn bản cần sửa đổi, bổ sung, bãi bỏ",
            "100 % văn bản ban hành trong năm được rà soát",
        ),
        (
            "Tổ chức phổ biến pháp luật về thủ tục hành chính mới",
            "Hội nghị phổ biến và tài liệu hỏi đáp",
            "Ít nhất 2 hội nghị, 500 người tham dự",
        ),
    ),
    "a3": (
        (
            "Xử lý dứt điểm hồ sơ quá hạn và gửi thư xin lỗi người dân",
            "Báo cáo hồ sơ quá hạn đã xử lý",
            "Tỷ lệ hồ sơ giải quyết đúng hạn từ 98 % trở lên",
        ),
        (
            "Công khai đầy đủ thủ tục hành chính tại bộ phận một cửa",
            "Bảng niêm yết và mã QR tra cứu thủ tục",
            "100 % thủ tục được công khai đúng quy định",
        ),
    ),
    "a4": (
        (
            "Kiện toàn chức năng, nhiệm vụ của các bộ phận sau sắp xếp",
            "Quyết định quy định chức năng, nhiệm vụ",
            "Không còn nhiệm vụ chồng chéo giữa các bộ phận",
        ),
        (
            "Rà soát việc phân cấp, ủy quyền giải quyết thủ tục",
            "Danh mục nhiệm vụ được phân cấp, ủy quyền",
            "Ít nhất 10 thủ tục được ủy quyền giải quyết",
        ),
    ),
    "a5": (
        (
            "Bồi dưỡng kỹ năng cho công chức bộ phận một cửa",
            "Lớp bồi dưỡng 2 ngày cho công chức một cửa",
            "100 % công chức một cửa có chứng nhận",
        ),
        (
            "Hoàn thiện đề án vị trí việc làm sau sắp xếp",
            "Đề án vị trí việc làm trình cấp có thẩm quyền",
            "Mỗi vị trí có bản mô tả công việc và khung năng lực",
        ),
        (
            "Đánh giá, xếp loại công chức theo kết quả công việc hằng tháng",
            "Phiếu đánh giá trên phần mềm quản lý công chức",
            "100 % công chức được đánh giá đúng hạn",
        ),
    ),
    "a6": (
        (
            "Công khai dự toán, quyết toán ngân sách đúng thời hạn",
            "Báo cáo công khai trên trang thông tin điện tử",
            "Công khai đủ 4 kỳ, đúng hạn",
        ),
    ),
    "a7": (
        (
            "Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính",
            "Kho dữ liệu số hóa được kết nối với hệ thống một cửa",
            "Tỷ lệ hồ sơ được số hóa từ 80 % trở lên",
        ),
        (
            "Xử lý văn bản, hồ sơ công việc trên môi trường điện tử",
            "Văn bản đi, đến được ký số và luân chuyển điện tử",
            "Từ 95 % văn bản được xử lý trên môi trường điện tử",
        ),
        (
            "Vận động người dân nộp hồ sơ trực tuyến toàn trình",
            "Tổ công nghệ số cộng đồng hỗ trợ tại bộ phận một cửa",
            "Tỷ lệ hồ sơ trực tuyến từ 60 % trở lên",
        ),
    ),
    "a8": (
        (
            "Khảo sát sự hài lòng của người dân tại bộ phận một cửa",
            "Báo cáo kết quả khảo sát hằng quý",
            "Tỷ lệ hài lòng từ 90 % trở lên",
        ),
    ),
}

#: Sub-tasks of the first task of some units: (statement, output, measure, weight).
SUBTASKS = (
    (
        "Xây dựng kế hoạch chi tiết và phân công thực hiện",
        "Kế hoạch chi tiết",
        "01 kế hoạch được lãnh đạo phê duyệt",
        1.0,
    ),
    (
        "Triển khai tại các bộ phận và báo cáo kết quả",
        "Báo cáo kết quả triển khai",
        "Báo cáo gửi lãnh đạo đúng hạn",
        2.0,
    ),
)

#: Milestones of a task under way: (title, days from the build day, done days ago or None).
MILESTONES = (
    ("Dự thảo được lãnh đạo cho ý kiến", -40, 38),
    ("Hoàn thành triển khai tại bộ phận một cửa", 20, None),
    ("Báo cáo kết quả", 50, None),
)

#: People in charge without an account (family name first).
PEOPLE = (
    "Nguyễn Văn Hùng",
    "Trần Thị Thu Hà",
    "Lê Minh Tuấn",
    "Phạm Thị Ngọc",
    "Hoàng Văn Long",
    "Đặng Thị Hạnh",
    "Bùi Quang Vinh",
    "Vũ Thị Lan Anh",
)


@dataclass(frozen=True)
class ImprovementSummary:
    units: int
    findings: int
    tasks: int
    approved: int
    overdue: int
    non_compliant: int
    leads: int

    def describe(self) -> str:
        return (
            f"plans: {self.findings} causes and {self.tasks} tasks in {self.units} units "
            f"({self.approved} approved, {self.overdue} overdue, {self.non_compliant} without "
            f"their 5 rõ); {self.leads} criterion leads"
        )


def _weak_leaves(round: Round, unit: Unit) -> list[tuple[str, float]]:
    """The unit's applicable leaves below their full points, weakest first."""
    rows = NodeResult.objects.filter(
        unit_result__round=round,
        unit_result__unit=unit,
        applicable=True,
        max_points__gt=0,
        share__lt=1,
    ).values_list("node_id", "share")
    return sorted(((node_id, share) for node_id, share in rows), key=lambda r: (r[1], r[0]))


def _demo_units(round: Round) -> list[Unit]:
    results = (
        UnitResult.objects.filter(round=round, score__isnull=False)
        .select_related("unit")
        .order_by("score", "unit__code")
    )
    local = [r.unit for r in results if r.unit.kind in (UnitKind.WARD, UnitKind.COMMUNE)]
    departments = [r.unit for r in results if r.unit.kind == UnitKind.DEPARTMENT]
    chosen = [unit for unit in local if unit.code == HOAN_KIEM]
    chosen += [unit for unit in local if unit.code != HOAN_KIEM][:4]
    return chosen + departments[:3]


def _area(framework: Framework, leaf_id: str) -> str:
    return framework.path(leaf_id)[1].split("_")[0]


def create_improvement_demo(*, round: Round) -> ImprovementSummary:
    """Causes, plans and criterion leads for ``round`` (the demo's 2025 round)."""
    framework = round_framework(round, check_version=False)
    today = timezone.localdate()
    users = {
        user.username: user
        for user in get_user_model().objects.filter(username__in=["canbo.phuong", "lanhdao.phuong"])
    }
    root_causes_seed(actor=DEMO_ACTOR)  # a flushed database has lost the migration's rows
    causes = {cause.code: cause for cause in RootCause.objects.all()}
    units = _demo_units(round)
    leaves = set(framework.leaf_ids)
    findings = tasks = 0
    task_list: list[Task] = []
    person_index = 0
    for position, unit in enumerate(units):
        # Bonus and penalty points (area a9) are not criteria a plan remedies.
        weak = [
            row
            for row in _weak_leaves(round, unit)
            if row[0] in leaves and _area(framework, row[0]) in CAUSES
        ]
        if unit.code == HOAN_KIEM:
            not_achieved = [leaf for leaf, share in weak if share < NOT_ACHIEVED_BELOW]
            reserved = set(not_achieved[-2:])
            chosen = [leaf for leaf, _share in weak if leaf not in reserved][:4]
        else:
            chosen = [leaf for leaf, _share in weak][: 3 + position % 2]
        used: Counter[str] = Counter()
        for number, leaf_id in enumerate(chosen):
            area = _area(framework, leaf_id)
            cause_code, cause_text = CAUSES[area]
            person = PEOPLE[person_index % len(PEOPLE)]
            person_index += 1
            finding_record(
                round=round,
                unit=unit,
                leaf_id=leaf_id,
                root_cause=causes[cause_code],
                cause_text=cause_text,
                responsible_unit=unit,
                responsible_person=users.get("lanhdao.phuong") if unit.code == HOAN_KIEM else None,
                responsible_person_name="" if unit.code == HOAN_KIEM else person,
                actor=DEMO_ACTOR,
            )
            findings += 1
            if number >= 3:
                continue  # the fourth cause of a unit waits for its task
            variants = TASKS[area]
            statement, output, measure = variants[used[area] % len(variants)]
            used[area] += 1
            is_hoan_kiem = unit.code == HOAN_KIEM
            task = task_create(
                round=round,
                unit=unit,
                actor=DEMO_ACTOR,
                statement=statement,
                person=users.get("canbo.phuong") if is_hoan_kiem else None,
                person_name="" if is_hoan_kiem else person,
                deadline=today + dt.timedelta(days=60 + 30 * number + 7 * position),
                accountable_unit=unit,
                expected_output=output,
                measure=measure,
                weight=2.0 if number == 0 else 1.0,
                leaf_ids=[leaf_id],
            )
            task_list.append(task)
            tasks += 1
    tasks += _shape_plans(task_list, today)
    recorded = Counter(Finding.objects.filter(round=round).values_list("leaf_id", flat=True))
    led = sorted(recorded, key=lambda leaf_id: (-recorded[leaf_id], leaf_id))[:LEAD_COUNT]
    departments = {unit.code: unit for unit in Unit.objects.filter(kind=UnitKind.DEPARTMENT)}
    for leaf_id in sorted(led):
        code, note = AREA_LEADS[_area(framework, leaf_id)]
        criterion_lead_assign(
            round=round, leaf_id=leaf_id, lead_unit=departments[code], note=note, actor=DEMO_ACTOR
        )
    plan_tasks = Task.objects.filter(round=round)
    return ImprovementSummary(
        units=len(units),
        findings=findings,
        tasks=tasks,
        approved=plan_tasks.filter(
            status__in=[TaskStatus.APPROVED, TaskStatus.IN_PROGRESS, TaskStatus.DONE]
        ).count(),
        overdue=plan_tasks.filter(deadline__lt=today)
        .exclude(status__in=[TaskStatus.DONE, TaskStatus.CANCELLED])
        .count(),
        non_compliant=len(
            [
                t
                for t in plan_tasks.filter(status=TaskStatus.DRAFT)
                if not t.measure or not t.deadline
            ]
        ),
        leads=CriterionLead.objects.filter(round=round).count(),
    )


def _shape_plans(tasks: Sequence[Task], today: dt.date) -> int:
    """Approve, start, finish, break down and date the tasks so the plans show every case;
    returns the number of tasks added (sub-tasks, drafts)."""
    added = 0
    by_unit: dict[int, list[Task]] = {}
    for task in tasks:
        by_unit.setdefault(task.unit_id, []).append(task)
    plans = list(by_unit.values())
    for index, plan in enumerate(plans):
        first = plan[0]
        if index % 4 != 3:
            first = task_approve(task=first, actor=DEMO_ACTOR)
        if index in (0, 2):
            # Broken down into two sub-tasks, the first done, the second under way.
            for number, (statement, output, measure, weight) in enumerate(SUBTASKS):
                sub = task_create(
                    round=first.round,
                    unit=first.unit,
                    actor=DEMO_ACTOR,
                    statement=statement,
                    person=first.person,
                    person_name=first.person_name,
                    deadline=first.deadline - dt.timedelta(days=30 - 15 * number)
                    if first.deadline
                    else None,
                    accountable_unit=first.accountable_unit,
                    expected_output=output,
                    measure=measure,
                    weight=weight,
                    parent=first,
                    leaf_ids=[link.leaf_id for link in first.criteria.all()],
                )
                sub = task_approve(task=sub, actor=DEMO_ACTOR)
                if number == 0:
                    task_set_status(task=sub, to=TaskStatus.DONE, actor=DEMO_ACTOR)
                else:
                    task_set_progress(task=sub, progress=40, actor=DEMO_ACTOR)
                added += 1
        elif index in (1, 4) and len(plan) > 1:
            second = task_approve(task=plan[1], actor=DEMO_ACTOR)
            for title, due_in, done_ago in MILESTONES:
                milestone = milestone_add(
                    task=second,
                    title=title,
                    due=today + dt.timedelta(days=due_in),
                    actor=DEMO_ACTOR,
                )
                if done_ago is not None:
                    milestone_complete(
                        milestone=milestone,
                        done_on=today - dt.timedelta(days=done_ago),
                        actor=DEMO_ACTOR,
                    )
        if index == 5:
            task_set_status(task=first, to=TaskStatus.DONE, actor=DEMO_ACTOR)
        elif index == 6:
            task_set_progress(task=first, progress=60, actor=DEMO_ACTOR)
        if index in (1, 5, 6) and len(plan) > 1:
            # Three plans have a task past its deadline.
            _overdue(plan[-1], today - dt.timedelta(days=10 + 15 * index))
    # Two drafts that still lack part of their "5 rõ".
    for plan, missing in zip(plans[-2:], ("measure", "deadline"), strict=False):
        template = plan[0]
        task_create(
            round=template.round,
            unit=template.unit,
            actor=DEMO_ACTOR,
            statement="Tuyên truyền, hướng dẫn người dân sử dụng dịch vụ công trực tuyến",
            person_name="" if missing == "deadline" else "Ngô Thị Phương",
            deadline=None if missing == "deadline" else template.deadline,
            accountable_unit=template.accountable_unit,
            expected_output="Tờ rơi, video hướng dẫn tại bộ phận một cửa",
            measure="" if missing == "measure" else "Ít nhất 2 buổi mỗi tháng",
            leaf_ids=[link.leaf_id for link in template.criteria.all()],
        )
        added += 1
    return added


def _overdue(task: Task, deadline: dt.date) -> None:
    """Approve and start ``task``, and move its deadline to ``deadline`` (past)."""
    if task.status == TaskStatus.DRAFT:
        task = task_approve(task=task, actor=DEMO_ACTOR)
    if not task.milestones.exists():
        task_set_progress(task=task, progress=30, actor=DEMO_ACTOR)
    task_update(
        task=task,
        actor=DEMO_ACTOR,
        statement=task.statement,
        person=task.person,
        person_name=task.person_name,
        deadline=deadline,
        accountable_unit=task.accountable_unit,
        expected_output=task.expected_output,
        measure=task.measure,
        weight=task.weight,
        parent=task.parent,
        leaf_ids=[link.leaf_id for link in task.criteria.all()],
    )
