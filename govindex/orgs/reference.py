"""Hanoi's reference lists of units (``reference/*.csv``, sources in ``reference/README.md``)."""

from __future__ import annotations

import csv
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from govindex.orgs.models import UnitKind

REFERENCE_DIR = Path(__file__).resolve().parent / "reference"
UNITS_FILE = REFERENCE_DIR / "hanoi_units_2025.csv"
DEPARTMENTS_FILE = REFERENCE_DIR / "hanoi_departments_2025.csv"

#: Vietnamese prefix of a commune-level name → English suffix.
_KIND_WORDS = {"Phường": "Ward", "Xã": "Commune"}

#: Department category in the reference file → ``Unit.kind``.
CATEGORY_KINDS = {
    "specialised_department": UnitKind.DEPARTMENT,
    "public_service_centre_pilot": UnitKind.SERVICE_CENTRE,
    "other_administrative_organisation": UnitKind.AGENCY,
    "vertical_agency_not_under_UBND": UnitKind.AGENCY,
}


@dataclass(frozen=True)
class ReferenceUnit:
    """A commune or ward of Hanoi from 1 July 2025."""

    code: str
    name_vi: str
    name_en: str
    kind: str
    former_districts: tuple[str, ...]
    former_units: tuple[str, ...]
    source: str


@dataclass(frozen=True)
class ReferenceDepartment:
    """A city department or agency from 1 March 2025."""

    code: str
    name_vi: str
    name_en: str
    category: str
    note: str
    source: str

    @property
    def kind(self) -> str:
        return CATEGORY_KINDS[self.category]


def without_diacritics(text: str) -> str:
    """ "Hoàn Kiếm" → "Hoan Kiem" (đ/Đ are letters of their own, not a d with a mark)."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(char for char in decomposed if unicodedata.category(char) != "Mn")


def english_unit_name(name_vi: str) -> str:
    """ "Phường Ba Đình" → "Ba Dinh Ward"; a name without a known prefix loses only its marks."""
    prefix, _, rest = name_vi.partition(" ")
    if prefix in _KIND_WORDS and rest:
        return f"{without_diacritics(rest)} {_KIND_WORDS[prefix]}"
    return without_diacritics(name_vi)


def _split(cell: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in cell.split(";") if part.strip())


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@cache
def hanoi_units() -> tuple[ReferenceUnit, ...]:
    """The 126 communes and wards, in the order of the official list."""
    return tuple(
        ReferenceUnit(
            code=row["code"],
            name_vi=row["name_vi"],
            name_en=english_unit_name(row["name_vi"]),
            kind=row["kind"],
            former_districts=_split(row["former_districts"]),
            former_units=_split(row["former_units"]),
            source=row["source"],
        )
        for row in _rows(UNITS_FILE)
    )


@cache
def hanoi_departments() -> tuple[ReferenceDepartment, ...]:
    """The 15 departments and agencies of 1 March 2025, then the three related bodies."""
    return tuple(
        ReferenceDepartment(
            code=row["code"],
            name_vi=row["name_vi"],
            name_en=row["name_en"],
            category=row["category"],
            note=row["formed_from_or_note"],
            source=row["source"],
        )
        for row in _rows(DEPARTMENTS_FILE)
    )
