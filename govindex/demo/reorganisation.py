"""Hanoi's structure before the 2025 reorganisations, as data, derived from the reference lists.

Two reorganisations changed the units the city assesses:

- **1 March 2025**: 21 departments and department-level agencies became 15 (Hanoi People's
  Council resolution of 25 Feb 2025). ``FORMER_DEPARTMENTS`` lists the 2024 structure and where
  each one went; it is read from the ``formed_from_or_note`` column of
  ``hanoi_departments_2025.csv`` (that note and the row's sources are the mapping's source).
- **1 July 2025**: the 30 districts were abolished and 126 communes and wards formed
  (Resolution 1656/NQ-UBTVQH15). ``former_districts`` derives the districts and their links to
  the new units from the ``former_districts`` / ``former_units`` columns of
  ``hanoi_units_2025.csv``.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

DEPARTMENTS_REORGANISED_ON = datetime.date(2025, 3, 1)
DISTRICTS_ABOLISHED_ON = datetime.date(2025, 7, 1)


@dataclass(frozen=True)
class FormerDepartment:
    """A department as it was in 2024 and the current department(s) that took over its work."""

    code: str
    name_vi: str
    name_en: str
    kind: str
    #: (current department code, succession kind) pairs.
    successors: tuple[tuple[str, str], ...]


#: The 21 departments and department-level agencies of 2024. Codes are invented (``F-`` =
#: former); the links follow the reference notes, e.g. STC "Merged Sở Kế hoạch và Đầu tư + Sở
#: Tài chính". A department that the resolution kept unchanged is linked by a ``rename`` (the
#: same body in the structure of 1 March 2025).
FORMER_DEPARTMENTS: tuple[FormerDepartment, ...] = (
    FormerDepartment(
        "F-SNV",
        "Sở Nội vụ",
        "Department of Home Affairs",
        "department",
        (("SNV", "merge"), ("SDTTG", "split")),
    ),
    FormerDepartment(
        "F-SLDTBXH",
        "Sở Lao động - Thương binh và Xã hội",
        "Department of Labour, Invalids and Social Affairs",
        "department",
        (("SNV", "merge"),),
    ),
    FormerDepartment(
        "F-STP", "Sở Tư pháp", "Department of Justice", "department", (("STP", "rename"),)
    ),
    FormerDepartment(
        "F-SKHDT",
        "Sở Kế hoạch và Đầu tư",
        "Department of Planning and Investment",
        "department",
        (("STC", "merge"),),
    ),
    FormerDepartment(
        "F-STC", "Sở Tài chính", "Department of Finance", "department", (("STC", "merge"),)
    ),
    FormerDepartment(
        "F-SCT",
        "Sở Công Thương",
        "Department of Industry and Trade",
        "department",
        (("SCT", "rename"),),
    ),
    FormerDepartment(
        "F-SNNPTNT",
        "Sở Nông nghiệp và Phát triển nông thôn",
        "Department of Agriculture and Rural Development",
        "department",
        (("SNNMT", "merge"),),
    ),
    FormerDepartment(
        "F-STNMT",
        "Sở Tài nguyên và Môi trường",
        "Department of Natural Resources and Environment",
        "department",
        (("SNNMT", "merge"),),
    ),
    FormerDepartment(
        "F-SXD", "Sở Xây dựng", "Department of Construction", "department", (("SXD", "merge"),)
    ),
    FormerDepartment(
        "F-SGTVT",
        "Sở Giao thông vận tải",
        "Department of Transport",
        "department",
        (("SXD", "merge"),),
    ),
    FormerDepartment(
        "F-SKHCN",
        "Sở Khoa học và Công nghệ",
        "Department of Science and Technology",
        "department",
        (("SKHCN", "merge"),),
    ),
    FormerDepartment(
        "F-STTTT",
        "Sở Thông tin và Truyền thông",
        "Department of Information and Communications",
        "department",
        (("SKHCN", "merge"),),
    ),
    FormerDepartment(
        "F-SVHTT",
        "Sở Văn hóa và Thể thao",
        "Department of Culture and Sports",
        "department",
        (("SVHTT", "rename"),),
    ),
    FormerDepartment(
        "F-SDL", "Sở Du lịch", "Department of Tourism", "department", (("SDL", "rename"),)
    ),
    FormerDepartment(
        "F-SGDDT",
        "Sở Giáo dục và Đào tạo",
        "Department of Education and Training",
        "department",
        (("SGDDT", "rename"),),
    ),
    FormerDepartment(
        "F-SYT", "Sở Y tế", "Department of Health", "department", (("SYT", "rename"),)
    ),
    FormerDepartment(
        "F-BDT",
        "Ban Dân tộc thành phố",
        "City Ethnic Affairs Committee",
        "agency",
        (("SDTTG", "merge"),),
    ),
    FormerDepartment(
        "F-SQHKT",
        "Sở Quy hoạch - Kiến trúc",
        "Department of Planning and Architecture",
        "department",
        (("SQHKT", "rename"),),
    ),
    FormerDepartment(
        "F-TTTP", "Thanh tra thành phố", "City Inspectorate", "department", (("TTTP", "rename"),)
    ),
    FormerDepartment(
        "F-VPUBND",
        "Văn phòng Ủy ban nhân dân thành phố",
        "Office of the City People's Committee",
        "department",
        (("VPUBND", "merge"),),
    ),
    FormerDepartment(
        "F-SNGV",
        "Sở Ngoại vụ",
        "Department of Foreign Affairs",
        "department",
        (("VPUBND", "merge"),),
    ),
)

#: The current departments the demo creates, in the reference's order: the 15 of the resolution
#: and the Public Administrative Service Centre. The reference's other rows (the high-tech park
#: authority, the city police) are not assessed by the internal index.
CURRENT_DEPARTMENT_CODES = (
    "SNV",
    "STP",
    "STC",
    "SCT",
    "SNNMT",
    "SXD",
    "SKHCN",
    "SVHTT",
    "SDL",
    "SGDDT",
    "SYT",
    "SDTTG",
    "SQHKT",
    "TTTP",
    "VPUBND",
    "TTPVHCC",
)


@dataclass(frozen=True)
class FormerDistrict:
    code: str
    name_vi: str
    name_en: str


@dataclass(frozen=True)
class DistrictLink:
    """Part of a former district that went into a new commune or ward."""

    district: str  # the district's name, as in the reference
    successor_code: str
    kind: str  # ``split`` when the new unit comes from one district, ``merge`` from several
    note: str


_DISTRICT_PREFIXES = (("Thị xã ", "Town"), ("Quận ", "District"), ("Huyện ", "District"))


def ascii_slug(text: str) -> str:
    """``Hoàn Kiếm`` → ``HOANKIEM`` (Vietnamese letters without marks, no spaces)."""
    text = text.replace("đ", "d").replace("Đ", "D")
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]", "", plain).upper()


def district_parts(name_vi: str) -> tuple[str, str]:
    """``Quận Hoàn Kiếm`` → (``Hoàn Kiếm``, ``District``)."""
    for prefix, english in _DISTRICT_PREFIXES:
        if name_vi.startswith(prefix):
            return name_vi.removeprefix(prefix), english
    return name_vi, "District"


def former_district(name_vi: str) -> FormerDistrict:
    place, english = district_parts(name_vi)
    plain = unicodedata.normalize("NFKD", place.replace("đ", "d").replace("Đ", "D"))
    english_place = plain.encode("ascii", "ignore").decode()
    return FormerDistrict(
        code=f"D-{ascii_slug(place)}", name_vi=name_vi, name_en=f"{english_place} {english}"
    )


def former_units_in(former_units: Sequence[str], district: str) -> list[str]:
    """The old units of one district among ``["Phường A (Quận X)", "Xã B (Huyện Y)"]``."""
    suffix = f"({district})"
    return [item.removesuffix(suffix).strip() for item in former_units if item.endswith(suffix)]


class NewUnitHistory(Protocol):
    """What the demo reads from a row of the communes/wards reference list."""

    @property
    def code(self) -> str: ...
    @property
    def name_vi(self) -> str: ...
    @property
    def former_districts(self) -> Sequence[str]: ...
    @property
    def former_units(self) -> Sequence[str]: ...


def district_links(units: Iterable[NewUnitHistory]) -> list[DistrictLink]:
    """One link per (former district, new unit that lists it), in reference order; the note
    names the district's former units that went into the new one."""
    links = []
    for unit in units:
        districts = list(unit.former_districts)
        kind = "merge" if len(districts) > 1 else "split"
        for district in districts:
            parts = former_units_in(unit.former_units, district)
            note = f"{district} ({', '.join(parts)})" if parts else district
            links.append(DistrictLink(district, unit.code, kind, note))
    return links


def former_districts(units: Iterable[NewUnitHistory]) -> list[FormerDistrict]:
    """The former districts named in the reference, in order of first mention."""
    seen: dict[str, FormerDistrict] = {}
    for unit in units:
        for name in unit.former_districts:
            if name not in seen:
                seen[name] = former_district(name)
    codes = [district.code for district in seen.values()]
    duplicates = sorted({code for code in codes if codes.count(code) > 1})
    if duplicates:
        raise ValueError(f"two former districts share the code(s) {', '.join(duplicates)}")
    return list(seen.values())
