"""The round the report tests read: the dashboards' two rounds of ``test-mini``
(``tests/portal/dashboard_fixtures.py``) plus what the unit and the city recorded after them.

2025 (under appraisal), by hand (24 points for wards, 20 for departments):

=====  =======================  ======================================  ======  ==  ======
rank   unit                     areas                                   score   cl  change
=====  =======================  ======================================  ======  ==  ======
1      00002 Xã Bình Minh        a1 10, a2 10, a3 4 = 24                 100.00  A   –
2      00001 Phường An Khánh     a1 9 (90 %), a2 7.5 (75 %), a3 4 (100 %) 85.42   B   +6.25
3      SXD Sở Xây dựng           a1 9, a2 5 = 14/20                      70.00   C   −20.00
–      00004 Phường Chưa Nhập    nothing entered                         N/A     –   –
=====  =======================  ======================================  ======  ==  ======

00001 was formed on 1 July 2025 from 00091 (91.67 in 2024; a1 80 %, a2 100 %, a3 100 %) and
00092 (66.67; a1 70 %, a2 70 %, a3 50 %): its change is against their mean, 79.17 → +6.25, and
its areas' changes are +15.0 (a1: 90 − 75), −10.0 (a2: 75 − 85), +25.0 (a3: 100 − 75) points.
City medians of the areas' shares: a1 90 % (100, 90, 90), a2 75 % (100, 75, 50), a3 100 %.

00001 lost points on a2.satisfaction (60 % of an 80 % threshold: 4.5 of 6), a2.online
(75 %: 3 of 4) and a1.report (appraised 5 of 6). Recorded after the round:

- the cause of a2.satisfaction (coordination, "Chưa khảo sát đủ số phiếu ở tổ dân phố số 7",
  answered by 00001 and Nguyễn Văn Bình);
- three tasks: T001 (all "5 rõ" elements, approved, deadline in 2099) with its sub-task T002
  (50 % done) for a2.satisfaction; T003 for a2.online, past its deadline (overdue) and without
  a measure. The plan: 3 tasks, 1 approved, 1 overdue, 1 missing a "5 rõ" element, progress
  25 % (T001 50 % from T002, T003 0 %);
- the Department of Home Affairs (SNV) made lead for a2.satisfaction;
- PCI results for 2022 and 2023 (Hà Nội 67.15, 28th; Quảng Ninh best with 72.95).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.test import override_settings

from govindex.improvement.models import RootCause, Task
from govindex.improvement.services import (
    criterion_lead_assign,
    finding_record,
    root_causes_seed,
    task_approve,
    task_create,
    task_set_progress,
)
from tests.factories import PublishedResultFactory
from tests.portal.dashboard_fixtures import Dashboards, build_dashboards

FRAMEWORKS = Path(__file__).resolve().parent.parent / "fixtures" / "frameworks"

CAUSE_TEXT = "Chưa khảo sát đủ số phiếu ở tổ dân phố số 7"
RESPONSIBLE_PERSON = "Nguyễn Văn Bình"
TASK_STATEMENT = "Tổ chức khảo sát sự hài lòng tại 12 tổ dân phố"
SUBTASK_STATEMENT = "Tập huấn tổ trưởng dân phố về phiếu khảo sát"
OVERDUE_STATEMENT = "Đưa 100 % thủ tục lên dịch vụ công trực tuyến toàn trình"
#: Published PCI results (year, territory, score, rank of 63) for the city's official indices.
PCI = [
    (2022, "Hà Nội", 66.42, 30),
    (2023, "Hà Nội", 67.15, 28),
    (2023, "Quảng Ninh", 72.95, 1),
    (2023, "Hải Phòng", 70.84, 2),
]


@dataclass(frozen=True)
class ReportRound:
    dashboards: Dashboards
    task: Task
    subtask: Task
    overdue_task: Task


def build_report_round() -> ReportRound:
    data = build_dashboards()
    round = data.provisional
    ward = data.units["00001"]
    staff = data.ward_staff
    root_causes_seed(actor="tests")  # a live-server test before this one may have flushed them
    finding_record(
        round=round,
        unit=ward,
        leaf_id="a2.satisfaction",
        root_cause=RootCause.objects.get(code="coordination"),
        cause_text=CAUSE_TEXT,
        responsible_unit=ward,
        responsible_person_name=RESPONSIBLE_PERSON,
        actor=staff,
    )
    task = task_create(
        round=round,
        unit=ward,
        actor=staff,
        statement=TASK_STATEMENT,
        person_name="Trần Thị Hoa",
        deadline=dt.date(2099, 3, 31),
        accountable_unit=ward,
        expected_output="Báo cáo kết quả khảo sát",
        measure="Tỷ lệ hài lòng từ 80 % trở lên",
        leaf_ids=["a2.satisfaction"],
    )
    subtask = task_create(
        round=round,
        unit=ward,
        actor=staff,
        statement=SUBTASK_STATEMENT,
        person_name="Lê Văn Nam",
        deadline=dt.date(2099, 2, 28),
        accountable_unit=ward,
        expected_output="40 tổ trưởng được tập huấn",
        measure="Danh sách ký nhận",
        parent=task,
        leaf_ids=["a2.satisfaction"],
    )
    task_set_progress(task=subtask, progress=50, actor=staff)
    task_approve(task=task, actor=staff)
    overdue_task = task_create(
        round=round,
        unit=ward,
        actor=staff,
        statement=OVERDUE_STATEMENT,
        person_name="Phạm Thu Trang",
        deadline=dt.date(2025, 1, 31),
        accountable_unit=ward,
        expected_output="Danh mục thủ tục toàn trình",
        leaf_ids=["a2.online"],
    )
    criterion_lead_assign(
        round=round, leaf_id="a2.satisfaction", lead_unit=data.units["SNV"], actor=data.city_leader
    )
    for year, territory, score, rank in PCI:
        PublishedResultFactory(year=year, territory=territory, score=score, rank=rank, rank_of=63)
    return ReportRound(
        dashboards=data,
        task=Task.objects.get(pk=task.pk),
        subtask=Task.objects.get(pk=subtask.pk),
        overdue_task=Task.objects.get(pk=overdue_task.pk),
    )


@contextmanager
def kept_report_round(django_db_blocker: Any) -> Iterator[ReportRound]:
    """The round built once for a whole test module (inside a transaction rolled back at the
    end), scored with the test frameworks."""
    with (
        override_settings(GOVINDEX_FRAMEWORKS_DIR=FRAMEWORKS),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        yield build_report_round()
        transaction.set_rollback(True)
