"""The public ranking page at ``/``: empty state, rows in rank order with exact values, queries."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.test import Client
from pytest_django.fixtures import Settings

from tests.portal.ranking_fixtures import (
    EXPECTED_PAGE_ROWS,
    FRAMEWORKS,
    many_units_round,
    scored_mini_round,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def test_frameworks(settings: Settings) -> Path:
    settings.GOVINDEX_FRAMEWORKS_DIR = FRAMEWORKS
    return FRAMEWORKS


class RankingTableParser(HTMLParser):
    """The text of each cell of each body row of ``table.ranking``."""

    def __init__(self) -> None:
        super().__init__()
        self.in_body = False
        self.cell: list[str] | None = None
        self.rows: list[list[str]] = []
        self.headers: list[str] = []
        self.in_head_cell = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tbody":
            self.in_body = True
        elif tag == "tr" and self.in_body:
            self.rows.append([])
        elif tag in ("td", "th") and self.in_body:
            self.cell = []
        elif tag == "th":
            self.in_head_cell = True
            self.headers.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "tbody":
            self.in_body = False
        elif tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "th":
            self.in_head_cell = False

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)
        elif self.in_head_cell:
            self.headers[-1] += data.strip()


def parse(html: str) -> RankingTableParser:
    parser = RankingTableParser()
    parser.feed(html)
    return parser


def test_empty_state_when_no_round_is_scored(client: Client) -> None:
    response = client.get("/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Chưa có kỳ đánh giá nào được chấm điểm" in html
    assert "<table" not in html
    assert '<html lang="vi">' in html


def test_ranking_rows_in_rank_order_with_exact_values(client: Client) -> None:
    scored_mini_round()

    response = client.get("/")

    assert response.status_code == 200
    page = parse(response.content.decode())
    assert page.rows == EXPECTED_PAGE_ROWS
    assert page.headers == [
        "Hạng",
        "Đơn vị",
        "Loại",
        "Điểm (%)",
        "Xếp loại",
        "ND1/10",
        "ND2/10",
        "ND3/4",
    ]


def test_title_names_the_round_and_framework_and_flags_provisional_results(client: Client) -> None:
    scored_mini_round(name="Chỉ số CCHC thử nghiệm 2025")

    html = client.get("/").content.decode()

    assert "<h1>Chỉ số CCHC thử nghiệm 2025</h1>" in html
    assert '<p class="framework">Bộ chỉ số thử nghiệm</p>' in html
    assert "Đang thẩm định" in html
    assert "chưa được công bố chính thức" in html
    assert "<title>Chỉ số CCHC thử nghiệm 2025 · Cải cách hành chính Hà Nội</title>" in html


def test_the_page_shows_the_latest_scored_round(client: Client) -> None:
    scored_mini_round(name="Kỳ cũ")
    many_units_round(3)

    html = client.get("/").content.decode()

    assert "<h1>Kỳ nhiều đơn vị</h1>" in html
    assert "Kỳ cũ" not in html
    assert "chưa được công bố chính thức" not in html  # a published round


@pytest.mark.parametrize("units", [3, 60])
def test_query_count_does_not_grow_with_the_rows(
    client: Client, django_assert_max_num_queries, units: int
) -> None:
    many_units_round(units)

    with django_assert_max_num_queries(3):
        response = client.get("/")

    assert len(parse(response.content.decode()).rows) == units


def test_static_stylesheet_is_linked_and_served(client: Client) -> None:
    html = client.get("/").content.decode()

    assert '<link rel="stylesheet" href="/static/portal/portal.css">' in html
    assert "https://" not in html.split("<body>")[0]  # no external CDN
    css = client.get("/static/portal/portal.css")
    assert css.status_code == 200
    assert b"system-ui" in b"".join(css.streaming_content)
