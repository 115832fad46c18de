from __future__ import annotations

import dataclasses
from collections import Counter

import pytest

from govindex.orgs.models import UnitKind
from govindex.orgs.reference import english_unit_name, hanoi_departments, hanoi_units


def test_the_126_communes_and_wards_of_july_2025():
    units = hanoi_units()

    assert len(units) == 126
    assert Counter(unit.kind for unit in units) == {"commune": 75, "ward": 51}
    assert len({unit.code for unit in units}) == 126
    assert all(len(unit.code) == 5 and unit.code.isdigit() for unit in units)
    first = units[0]
    assert (first.code, first.name_vi, first.name_en, first.kind) == (
        "00070",
        "Phường Hoàn Kiếm",
        "Hoan Kiem Ward",
        "ward",
    )
    assert first.former_districts == ("Quận Hoàn Kiếm",)
    assert len(first.former_units) == 12
    assert first.former_units[0] == "Phường Cửa Đông (Quận Hoàn Kiếm)"
    ba_dinh = next(unit for unit in units if unit.code == "00004")
    assert ba_dinh.former_districts == ("Quận Ba Đình", "Quận Hoàn Kiếm")
    assert "nso.gov.vn" in ba_dinh.source


def test_reference_rows_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        hanoi_units()[0].name_vi = "x"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("name_vi", "name_en"),
    [
        ("Phường Đống Đa", "Dong Da Ward"),
        ("Xã Sóc Sơn", "Soc Son Commune"),
        ("Phường Văn Miếu - Quốc Tử Giám", "Van Mieu - Quoc Tu Giam Ward"),
        ("Thành phố Hà Nội", "Thanh pho Ha Noi"),
    ],
)
def test_english_names_drop_the_marks_and_name_the_kind(name_vi, name_en):
    assert english_unit_name(name_vi) == name_en


def test_the_departments_of_march_2025():
    departments = hanoi_departments()

    assert len(departments) == 18
    assert [d.kind for d in departments[:15]] == [UnitKind.DEPARTMENT] * 15
    by_code = {d.code: d for d in departments}
    assert by_code["SNV"].name_en == "Department of Home Affairs"
    assert by_code["SNV"].category == "specialised_department"
    assert "Sở Lao động" in by_code["SNV"].note
    assert by_code["TTPVHCC"].kind == UnitKind.SERVICE_CENTRE
    assert by_code["CATP"].kind == UnitKind.AGENCY
