"""The index of a period from the counters, against numbers computed by hand.

One ward, two commune-level procedures: P1 free of charge, P2 with a fee, a required paper result,
full-process online and integrated for online payment. Six dossiers in September 2025:

    A  P1  received 1 Sep 08:00, due 3 Sep 17:00, result returned 3 Sep 17:00 → on time (exactly)
    B  P1  received 2 Sep, two supplement requests, processed 4 Sep 10:00      → late
    C  P2  received 22 Sep, due 29 Sep 17:00, still open                        → late at 30 Sep
    D  P2  received 25 Sep, due 2 Oct 17:00, still open                         → not late at 30 Sep
    E  P2  online, paid online, electronic result, finished 10 Sep              → on time
    F  P1  online, "paid online" on a free procedure, finished 16 Sep           → on time

2.1 = (on time 3 + open 2 − open and late 1) / (finished 4 + open 2) = 4/6 = 66.67 % → 13.33 of 20
3.3 = online 2 (E, F) / received 6 = 33.33 % (rate only)
3.6 = paid online 1 (E) / fee-bearing 3 (C, D, E; F's procedure is free) = 33.33 % → 2 of 6
4.1 = electronic 1 / ended with a result, paper required 1 (E) = 100 % → 6 of 6
5.4 = (finished 4 − unsatisfied 0 − complained 0 − overdue 1) / 4 = 75 % → 75/90 × 6 = 5 of 6
3.5 = 1/1, 3.5b = 1/1 → 2 + 2; 4.2, 4.3, 4.4, 4.5b = 0 % → 0 of 4, 2, 4, 2
Applicable maximum 54 (20 + 2 + 2 + 6 + 6 + 4 + 2 + 4 + 2 + 6); points 30.33; score 56.17 % →
"average" (50–<70).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from govindex.dossiers.models import OnlineLevel
from govindex.dossiers.selectors import period_parse, realtime_index
from govindex.dossiers.services import dossiers_import
from govindex.errors import ApplicationError
from govindex.orgs.models import UnitKind
from tests.dossiers.factories import ProcedureFactory
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db

HEADER = [
    "MaHoSo",
    "MaTTHC",
    "MaDonVi",
    "NgayTiepNhan",
    "NgayHenTra",
    "NgayKetThucXuLy",
    "KenhThucHien",
    "DuocThanhToanTrucTuyen",
    "TrangThaiHoSo",
    "CoKetQuaDienTu",
    "SoLanYeuCauBoSung",
    "NgayYeuCauBoSung",
    "NgayNhanBoSung",
    "NgayYeuCauBoSungLan2",
]
ROWS = [
    [
        "A",
        "P1",
        "00004",
        "2025-09-01 08:00",
        "2025-09-03 17:00",
        "2025-09-03 17:00",
        "1",
        "0",
        "5",
        "0",
        "0",
        "",
        "",
        "",
    ],
    [
        "B",
        "P1",
        "00004",
        "2025-09-02 08:00",
        "2025-09-04 17:00",
        "2025-09-04 10:00",
        "1",
        "0",
        "4",
        "0",
        "2",
        "2025-09-02 10:00",
        "2025-09-02 14:00",
        "2025-09-03 09:00",
    ],
    [
        "C",
        "P2",
        "00004",
        "2025-09-22 08:00",
        "2025-09-29 17:00",
        "",
        "1",
        "0",
        "2",
        "0",
        "0",
        "",
        "",
        "",
    ],
    [
        "D",
        "P2",
        "00004",
        "2025-09-25 08:00",
        "2025-10-02 17:00",
        "",
        "1",
        "0",
        "2",
        "0",
        "0",
        "",
        "",
        "",
    ],
    [
        "E",
        "P2",
        "00004",
        "2025-09-08 08:00",
        "2025-09-11 17:00",
        "2025-09-10 09:00",
        "2",
        "1",
        "5",
        "1",
        "0",
        "",
        "",
        "",
    ],
    [
        "F",
        "P1",
        "00004",
        "2025-09-15 08:00",
        "2025-09-18 17:00",
        "2025-09-16 09:00",
        "2",
        "1",
        "5",
        "0",
        "0",
        "",
        "",
        "",
    ],
]


@pytest.fixture
def september(tmp_path: Path) -> None:
    UnitFactory(code="00004", kind=UnitKind.WARD)
    ProcedureFactory(code="P1", fee=0, online_level=OnlineLevel.PARTIAL)
    ProcedureFactory(
        code="P2",
        fee=30_000,
        paper_result_required=True,
        online_level=OnlineLevel.FULL,
        payment_integrated=True,
    )
    path = tmp_path / "september.csv"
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(HEADER)
        writer.writerows(ROWS)
    summary = dossiers_import(path=path, actor="system:test")
    assert summary.rejected == 0


def indicators(result) -> dict[str, tuple]:
    return {
        i.number: (
            i.numerator,
            i.denominator,
            None if i.rate is None else round(i.rate, 2),
            None if i.points is None else round(i.points, 4),
        )
        for i in result.indicators
    }


def test_september_by_hand(september) -> None:
    [result] = realtime_index(period_parse("2025-09"))

    got = indicators(result)
    assert got["2.1"] == (4, 6, 66.67, 13.3333)
    assert got["3.3"] == (2, 6, 33.33, None)
    assert got["3.6"] == (1, 3, 33.33, 2.0)
    assert got["4.1"] == (1, 1, 100.0, 6.0)
    assert got["5.4"] == (3, 4, 75.0, 5.0)
    assert got["3.5"] == (1, 1, 100.0, 2.0)
    assert got["3.5b"] == (1, 1, 100.0, 2.0)
    assert got["4.2"] == (0, 6, 0.0, 0.0)
    assert got["3.1"] == (2, 2, 100.0, None)
    assert got["3.2"] == (2, 2, 100.0, None)
    assert got["1.1"] == (None, None, None, None)
    assert result.max_points == 54.0
    assert round(result.points, 4) == 30.3333
    assert round(result.score, 2) == 56.17
    assert result.band == "average"
    assert result.rank == 1
    groups = {
        g.id: (round(g.points, 4) if g.points is not None else None, g.max_points)
        for g in result.groups
    }
    assert groups == {
        "publicity": (None, 0.0),
        "progress": (13.3333, 20.0),
        "digitisation": (6.0, 18.0),
        "online_service": (6.0, 10.0),
        "satisfaction": (5.0, 6.0),
    }


def test_the_quarter_holds_the_same_dossiers(september) -> None:
    [result] = realtime_index(period_parse("2025-Q3"))

    assert indicators(result)["2.1"] == (4, 6, 66.67, 13.3333)


def test_open_dossiers_are_judged_at_the_end_of_october(september) -> None:
    [result] = realtime_index(period_parse("2025-10"))

    got = indicators(result)
    assert got["2.1"] == (0, 2, 0.0, 0.0)  # C and D open and late on 31 Oct
    assert got["3.6"] == (0, 0, None, None)  # nothing received: N/A, not 0
    assert got["5.4"] == (0, 0, None, None)


def test_a_unit_without_dossiers_is_scored_on_its_catalogue_only(september) -> None:
    UnitFactory(code="00099", kind=UnitKind.WARD)

    [result] = realtime_index(period_parse("2025-09"), unit_code="00099")

    got = indicators(result)
    assert got["2.1"] == (0, 0, None, None)
    assert got["3.5"] == (1, 1, 100.0, 2.0)  # P2 is under every ward's authority
    assert got["3.5b"] == (0, 1, 0.0, 0.0)
    assert (result.points, result.max_points, result.score) == (2.0, 4.0, 50.0)


def test_a_unit_without_procedures_or_dossiers_has_no_score(september) -> None:
    UnitFactory(code="HN", kind=UnitKind.CITY)

    [result] = realtime_index(period_parse("2025-09"), unit_code="HN")

    assert (result.score, result.band, result.max_points) == (None, None, 0.0)


@pytest.mark.parametrize("text", ["2025-13", "2025-Q5", "Q3-2025", ""])
def test_a_period_not_understood_is_refused(text) -> None:
    with pytest.raises(ApplicationError) as caught:
        period_parse(text)
    assert caught.value.code == "bad_period"


def test_periods() -> None:
    assert (period_parse("2025").first.isoformat(), period_parse("2025").last.isoformat()) == (
        "2025-01-01",
        "2025-12-31",
    )
    quarter = period_parse("2025-q3")
    assert (quarter.label, quarter.first.isoformat(), quarter.last.isoformat()) == (
        "2025-Q3",
        "2025-07-01",
        "2025-09-30",
    )
    assert period_parse("2024-02").last.isoformat() == "2024-02-29"
