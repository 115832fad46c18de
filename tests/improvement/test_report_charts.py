"""The reports' SVG charts, number formatting, and what WeasyPrint may fetch."""

from __future__ import annotations

import pytest
from django.utils import translation

from govindex.improvement import report_charts
from govindex.improvement.reports.pdf import (
    BASE_URL,
    FetchRefused,
    css_string,
    page_counter,
    static_fetcher,
    static_file,
)


@pytest.mark.parametrize(
    ("value", "places", "separator", "text"),
    [
        (85.4166, 2, ",", "85,42"),
        (85.4166, 2, ".", "85.42"),
        (-0.001, 2, ",", "0,00"),
        (100, 0, ",", "100"),
        (None, 2, ",", "–"),
    ],
)
def test_decimal_text(value: float | None, places: int, separator: str, text: str) -> None:
    assert report_charts.decimal_text(value, places, separator) == text


def test_bars_escape_their_labels_and_scale_to_the_maximum() -> None:
    svg = str(
        report_charts.horizontal_bars(
            [
                report_charts.Bar(label="<b>A & B</b>", value=50.0, value_text="50,0 %", marker=75),
                report_charts.Bar(label="C", value=None, value_text="–"),
            ],
            scale_max=100.0,
            title='Share "of" max',
            marker_label="City median",
        )
    )
    assert "<b>" not in svg and "&lt;b&gt;A &amp; B&lt;/b&gt;" in svg
    assert 'aria-label="Share &quot;of&quot; max"' in svg
    track = report_charts.WIDTH - report_charts.LABEL_WIDTH - report_charts.VALUE_WIDTH
    # The value's bar is half the track; the empty row has its track only.
    assert f'width="{track / 2:g}" height="13" fill="#1f4f8a"' in svg
    assert svg.count('fill="#1f4f8a"') == 1
    assert svg.count('fill="#e6e9ee"') == 2
    assert "City median" in svg


def test_a_long_label_is_cut_and_kept_whole_in_its_title() -> None:
    name = "Tỷ lệ hồ sơ giải quyết đúng hạn trên tổng số hồ sơ đã giải quyết trong kỳ đánh giá"
    svg = str(
        report_charts.horizontal_bars(
            [report_charts.Bar(label=name, value=1.0, value_text="+1")], scale_max=2.0, title="t"
        )
    )
    assert f"<title>{name}</title>" in svg
    assert f">{name[: report_charts.LABEL_CHARACTERS - 1].rstrip()}…</text>" in svg


def test_the_ranking_columns_mark_the_units_own_column() -> None:
    svg = str(
        report_charts.ranking_columns(
            [
                report_charts.Column(label="1", score=95.0, level=1),
                report_charts.Column(label="2", score=82.5, level=2, highlighted=True),
                report_charts.Column(label="3", score=None, level=None),
            ],
            thresholds=[
                report_charts.Threshold(name="A", minimum=90, level=1),
                report_charts.Threshold(name="B", minimum=80, level=2),
                report_charts.Threshold(name="D", minimum=0, level=3),
            ],
            title="Ranking",
            highlight_label="Phường An Khánh",
        )
    )
    assert svg.count("<rect") == 2 + 3  # two scored columns, three legend keys
    assert "<title>2: 82,50</title>" in svg
    assert svg.count("<path") == 1 and ">Phường An Khánh</text>" in svg
    assert "A ≥ 90" in svg and "B ≥ 80" in svg and ">D</text>" in svg
    # Dashed lines at the lower bounds of A and B (none at 0).
    assert svg.count('stroke-dasharray="4 3"') == 2


def test_only_static_files_are_read() -> None:
    css = f"{BASE_URL}static/improvement/report.css"
    path = static_file(css)
    assert path is not None and path.name == "report.css" and path.is_file()
    for refused in (
        "https://example.com/static/improvement/report.css",
        "file:///etc/passwd",
        f"{BASE_URL}media/evidence/1/1/secret.pdf",
        f"{BASE_URL}static/../../config/settings.py",
        f"{BASE_URL}static/%2e%2e/%2e%2e/config/settings.py",
        f"{BASE_URL}static/no-such-file.css",
    ):
        assert static_file(refused) is None, refused


def test_the_fetcher_refuses_the_network_and_serves_static_files() -> None:
    fetcher = static_fetcher()
    response = fetcher(f"{BASE_URL}static/improvement/report.css")
    assert response.content_type == "text/css"
    assert b"@page" in response.read()
    with pytest.raises(FetchRefused):
        fetcher("https://example.com/font.woff2")
    with pytest.raises(FetchRefused):
        fetcher("file:///etc/hostname")
    assert fetcher("data:text/plain;base64,b2s=").read() == b"ok"


def test_css_strings_cannot_leave_their_quotes_or_the_style_element() -> None:
    assert css_string('Phường "Một" \\ </style>') == '"Phường \\"Một\\" \\\\ \\3C /style>"'


@pytest.mark.parametrize(
    ("language", "content"),
    [
        ("vi", '"Trang " counter(page) " / " counter(pages)'),
        ("en", '"Page " counter(page) " of " counter(pages)'),
        ("id", '"Halaman " counter(page) " dari " counter(pages)'),
    ],
)
def test_the_page_numbers_follow_the_language(language: str, content: str) -> None:
    with translation.override(language):
        assert page_counter() == content
