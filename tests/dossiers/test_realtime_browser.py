"""The public real-time pages in Chromium: the ranking updates by itself when events arrive; the
unit page shows groups, indicators, the trend chart and the worst procedures."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from playwright.sync_api import expect

from govindex.dossiers.models import OnlineLevel
from govindex.dossiers.services import dossiers_import, events_ingest, source_system_create
from govindex.orgs.models import UnitKind
from tests.dossiers.factories import ProcedureFactory
from tests.dossiers.test_realtime_index import HEADER, ROWS
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def data(tmp_path: Path):
    UnitFactory(code="00004", kind=UnitKind.WARD, name_vi="Phường Ba Đình")
    UnitFactory(code="00007", kind=UnitKind.WARD, name_vi="Phường Ngọc Hà")
    ProcedureFactory(code="P1", name="Chứng thực bản sao từ bản chính", fee=0)
    ProcedureFactory(
        code="P2",
        name="Cấp giấy phép xây dựng nhà ở riêng lẻ",
        fee=30_000,
        paper_result_required=True,
        online_level=OnlineLevel.FULL,
        payment_integrated=True,
    )
    rows = [*ROWS]
    for number in range(8):  # enough P1 dossiers at 00004 to rank procedures by late share
        late = number % 3 == 0
        rows.append(
            [
                f"X{number}",
                "P1",
                "00004",
                "2025-09-10 08:00",
                "2025-09-12 17:00",
                "2025-09-15 09:00" if late else "2025-09-11 09:00",
                "1",
                "0",
                "5",
                "0",
                "0",
                "",
                "",
                "",
            ]
        )
    rows.append(
        [
            "Y1",
            "P2",
            "00007",
            "2025-09-03 08:00",
            "2025-09-10 17:00",
            "2025-09-05 09:00",
            "2",
            "1",
            "5",
            "1",
            "0",
            "",
            "",
            "",
        ]
    )
    path = tmp_path / "dossiers.csv"
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(HEADER)
        writer.writerows(rows)
    dossiers_import(path=path, actor="system:test")
    system, _ = source_system_create(code="feed", name="Feed", actor="system:test")
    return system


def test_the_ranking_moves_when_events_arrive_and_the_unit_page_explains(
    page, live_server, screenshot, data
) -> None:
    page.goto(f"{live_server.url}/realtime/?period=2025-09")
    table = page.locator("#rt-ranking table")
    expect(table).to_be_visible()
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0).locator("th")).to_have_text("Phường Ngọc Hà")
    expect(rows.nth(1).locator("td").last).to_have_text("14")
    screenshot("realtime-ranking")

    events_ingest(
        source_system=data,
        events=[
            {
                "event_id": f"live-{n}",
                "dossier": f"LIVE-{n}",
                "kind": "received",
                "occurred_at": "2025-09-20T09:00:00+07:00",
                "unit": "00004",
                "attributes": {
                    "MaTTHC": "P1",
                    "NgayHenTra": "2025-09-23T17:00:00+07:00",
                    "KenhThucHien": 2,
                },
            }
            for n in range(3)
        ],
    )
    # No reload: htmx polls the table every few seconds.
    expect(rows.nth(1).locator("td").last).to_have_text("17", timeout=12_000)
    screenshot("realtime-ranking-after-events")

    rows.nth(1).locator("th a").click()
    expect(page.locator("h1")).to_have_text("Phường Ba Đình")
    expect(page.locator(".rt-indicators tbody tr").nth(4)).to_contain_text(
        "52,94"
    )  # 9 of 17 (see the data above)
    expect(page.locator(".rt-worst tbody tr").first).to_contain_text(
        "Chứng thực bản sao từ bản chính"
    )
    expect(page.locator("#rt-trend canvas")).to_have_count(1)
    screenshot("realtime-unit")
