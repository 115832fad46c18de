"""The report pages and their downloads: who may read which report (role × own or other unit),
the files' names and types, the language asked for, the buttons on the scorecard, and the
queries the page makes."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from django.contrib.auth.base_user import AbstractBaseUser
from django.test import Client
from openpyxl import load_workbook
from pypdf import PdfReader

from govindex.assessments.services import round_compute
from govindex.orgs.models import Role
from tests.factories import (
    EntryFactory,
    MembershipFactory,
    RoundUnitFactory,
    UnitFactory,
    UserFactory,
)
from tests.improvement.report_fixtures import ReportRound, kept_report_round

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: object) -> Iterator[ReportRound]:
    with kept_report_round(django_db_blocker) as data:
        units = data.dashboards.units
        MembershipFactory(
            user=UserFactory(username="lanhdao.phuong"), unit=units["00001"], role=Role.LEADER
        )
        MembershipFactory(user=UserFactory(username="quantri"), unit=units["HN"], role=Role.ADMIN)
        yield data


def person(world: ReportRound, who: str) -> AbstractBaseUser | None:
    people = {
        "ward staff": world.dashboards.ward_staff,
        "other staff": world.dashboards.other_staff,
        "appraiser": world.dashboards.appraiser,
        "city leader": world.dashboards.city_leader,
    }
    if who == "anonymous":
        return None
    if who in people:
        return people[who]
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username={"ward leader": "lanhdao.phuong"}.get(who, who))


def client(world: ReportRound, who: str, language: str = "vi") -> Client:
    browser = Client(headers={"Accept-Language": language})
    user = person(world, who)
    if user is not None:
        browser.force_login(user)
    return browser


def unit_url(world: ReportRound, code: str = "00001", query: str = "") -> str:
    return f"/improvement/{world.dashboards.provisional.pk}/units/{code}/report/{query}"


def city_url(world: ReportRound, query: str = "") -> str:
    return f"/improvement/{world.dashboards.provisional.pk}/report/{query}"


@pytest.mark.parametrize(
    ("who", "own", "other", "city"),
    [
        ("anonymous", 302, 302, 302),
        ("ward staff", 200, 403, 403),
        ("ward leader", 200, 403, 403),
        ("other staff", 403, 200, 403),
        ("appraiser", 200, 200, 200),
        ("city leader", 200, 200, 200),
        ("quantri", 200, 200, 200),
    ],
)
def test_who_may_read_which_report(
    world: ReportRound, who: str, own: int, other: int, city: int
) -> None:
    browser = client(world, who)
    assert browser.get(unit_url(world, "00001")).status_code == own
    assert browser.get(unit_url(world, "00002")).status_code == other
    answer = browser.get(city_url(world))
    assert answer.status_code == city
    if who == "anonymous":
        assert answer["Location"].startswith("/accounts/login/?next=")


def test_a_unit_outside_the_round_or_a_round_without_results_is_not_found(
    world: ReportRound,
) -> None:
    browser = client(world, "appraiser")
    assert browser.get(unit_url(world, "SNV")).status_code == 404
    assert browser.get(unit_url(world, "NO-SUCH")).status_code == 404
    draft = world.dashboards.draft.pk
    assert browser.get(f"/improvement/{draft}/units/00001/report/").status_code == 404
    assert browser.get("/improvement/999999/report/").status_code == 404


def test_the_page_shows_the_pack_in_the_language_asked_for(world: ReportRound) -> None:
    html = client(world, "ward staff").get(unit_url(world, query="?language=en")).content.decode()
    assert '<h1 id="report-title">An Khanh Ward</h1>' in html
    assert 'data-testid="report-score">85.42<' in html
    assert "Root causes" in html and "Remediation plan" in html
    assert 'href="?format=pdf&amp;language=en"' in html
    assert "<svg" in html
    vietnamese = client(world, "ward staff").get(unit_url(world)).content.decode()
    assert 'data-testid="report-score">85,42<' in vietnamese


def test_before_publication_only_those_who_see_every_unit_get_the_comparisons(
    world: ReportRound,
) -> None:
    own = client(world, "ward staff").get(unit_url(world, query="?language=en")).content.decode()
    assert own.count('class="report-chart"') == 2  # areas and weakest; no ranking
    assert "Best peer" not in own and "City median (%)" not in own
    assert "shown once the round is published" in own
    appraiser = client(world, "appraiser").get(unit_url(world, query="?language=en"))
    html = appraiser.content.decode()
    assert html.count('class="report-chart"') == 3
    assert "Best peer" in html and "Binh Minh Commune (6.00)" in html


def test_the_pdf_download(world: ReportRound) -> None:
    answer = client(world, "ward staff").get(unit_url(world, query="?format=pdf"))
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/pdf"
    assert answer["Content-Disposition"] == 'attachment; filename="govindex-2025-00001-vi.pdf"'
    reader = PdfReader(io.BytesIO(answer.content))
    assert len(reader.pages) == 5
    assert "Phường An Khánh" in reader.pages[0].extract_text()


def test_the_xlsx_downloads_in_the_language_asked_for(world: ReportRound) -> None:
    answer = client(world, "city leader").get(city_url(world, "?format=xlsx&language=en"))
    assert answer.status_code == 200
    assert answer["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert answer["Content-Disposition"] == 'attachment; filename="govindex-2025-city-en.xlsx"'
    workbook = load_workbook(io.BytesIO(answer.content))
    assert workbook.sheetnames[:2] == ["Summary", "Ranking"]
    assert workbook["Ranking"]["C3"].value == "An Khanh Ward"


def test_an_unknown_format_is_refused(world: ReportRound) -> None:
    answer = client(world, "appraiser").get(unit_url(world, query="?format=docx"))
    assert answer.status_code == 400
    assert "docx" in answer.content.decode()


def test_the_scorecard_offers_the_report_to_those_who_may_read_it(world: ReportRound) -> None:
    scorecard = f"/rounds/{world.dashboards.provisional.pk}/units/00001/"
    html = client(world, "appraiser").get(scorecard).content.decode()
    pdf = unit_url(world, query="?format=pdf&amp;language=vi")
    assert f'href="{pdf}"' in html
    assert 'data-testid="download-report-xlsx"' in html
    published = f"/rounds/{world.dashboards.published.pk}/units/00091/"
    # 00091 took part in 2024 only; the staff of 00002 may not read its report.
    html = client(world, "other staff").get(published).content.decode()
    assert "download-report-pdf" not in html


@pytest.mark.parametrize(("who", "bound"), [("ward staff", 31), ("city leader", 33)])
def test_the_unit_page_queries_are_pinned(
    world: ReportRound, django_assert_max_num_queries: object, who: str, bound: int
) -> None:
    browser = client(world, who)
    with django_assert_max_num_queries(bound):  # type: ignore[operator]
        assert browser.get(unit_url(world)).status_code == 200


def test_the_city_page_queries_are_pinned(
    world: ReportRound, django_assert_max_num_queries: object
) -> None:
    browser = client(world, "city leader")
    with django_assert_max_num_queries(18):  # type: ignore[operator]
        assert browser.get(city_url(world)).status_code == 200


def test_the_city_page_queries_do_not_grow_with_the_units(
    world: ReportRound, django_assert_max_num_queries: object
) -> None:
    round = world.dashboards.provisional
    for number in range(5):
        unit = UnitFactory(code=f"0095{number}", name_vi=f"Phường Thêm {number}")
        RoundUnitFactory(round=round, unit=unit)
        for leaf_id, values in [
            ("a1.plan", {"self_value": 3}),
            ("a1.report", {"self_value": 4}),
            ("a2.satisfaction", {"survey_value": 70}),
            ("a2.online", {"data_value": 90}),
            ("a3.local", {"self_value": number % 5}),
        ]:
            EntryFactory(round=round, unit=unit, leaf_id=leaf_id, **values)
    round_compute(round=round, actor=None)
    browser = client(world, "city leader")
    with django_assert_max_num_queries(18):  # type: ignore[operator]
        html = browser.get(city_url(world)).content.decode()
    assert html.count('<span class="code">0095') == 5
