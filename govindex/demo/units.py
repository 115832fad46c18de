"""Hanoi's units for the demo, now and before the 2025 reorganisations, with their history.

Everything is written through the orgs services (``unit_create``, ``unit_reorganise``), so each
unit and each reorganisation has its audit record, as if an administrator had entered them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from govindex.demo.reorganisation import (
    CURRENT_DEPARTMENT_CODES,
    DEPARTMENTS_REORGANISED_ON,
    DISTRICTS_ABOLISHED_ON,
    FORMER_DEPARTMENTS,
    district_links,
    former_districts,
)
from govindex.orgs.models import Unit, UnitKind
from govindex.orgs.reference import ReferenceDepartment, hanoi_departments, hanoi_units
from govindex.orgs.services import unit_create, unit_reorganise

CITY_CODE = "HN"
RESOLUTION_1656 = "Nghị quyết 1656/NQ-UBTVQH15, hiệu lực 01/07/2025"
DEMO_ACTOR = "system:demo"
DISTRICT_SOURCE = (
    "Former district named in the former_districts column of hanoi_units_2025.csv "
    "(tanthuan031/vnadministrative new_to_old.json, third-party); code invented for the demo"
)


@dataclass(frozen=True)
class DemoUnits:
    """The units the demo created, by role in the history."""

    city: Unit
    departments: list[Unit]  # from 1 March 2025 (the 15 and the service centre)
    communes: list[Unit]  # wards and communes from 1 July 2025, in the official order
    districts: list[Unit]  # the 30 former districts, to 30 June 2025
    former_departments: list[Unit]  # the 21 of 2024, to 28 February 2025
    successions: int

    def by_code(self) -> dict[str, Unit]:
        units = [
            self.city,
            *self.departments,
            *self.communes,
            *self.districts,
            *self.former_departments,
        ]
        return {unit.code: unit for unit in units}


def create_city() -> Unit:
    return unit_create(
        code=CITY_CODE,
        name_vi="Thành phố Hà Nội",
        name_en="Hanoi",
        name_id="Kota Hanoi",
        kind=UnitKind.CITY,
        actor=DEMO_ACTOR,
        source="Capital city; code invented for the demo (GSO province code 01).",
    )


def _current_departments() -> list[ReferenceDepartment]:
    by_code = {department.code: department for department in hanoi_departments()}
    missing = [code for code in CURRENT_DEPARTMENT_CODES if code not in by_code]
    if missing:
        raise ValueError(f"departments missing from the reference list: {', '.join(missing)}")
    return [by_code[code] for code in CURRENT_DEPARTMENT_CODES]


def create_departments(city: Unit) -> list[Unit]:
    return [
        unit_create(
            code=department.code,
            name_vi=department.name_vi,
            name_en=department.name_en,
            kind=department.kind,
            parent=city,
            active_from=DEPARTMENTS_REORGANISED_ON,
            actor=DEMO_ACTOR,
            source=f"hanoi_departments_2025.csv: {department.note}. Sources: {department.source}",
        )
        for department in _current_departments()
    ]


def create_communes(city: Unit) -> list[Unit]:
    return [
        unit_create(
            code=unit.code,
            name_vi=unit.name_vi,
            name_en=unit.name_en,
            kind=unit.kind,
            parent=city,
            active_from=DISTRICTS_ABOLISHED_ON,
            actor=DEMO_ACTOR,
            source=f"hanoi_units_2025.csv: {unit.source}",
        )
        for unit in hanoi_units()
    ]


def create_districts(city: Unit) -> list[Unit]:
    """The 30 former districts; ``unit_reorganise`` ends them on 30 June 2025."""
    return [
        unit_create(
            code=district.code,
            name_vi=district.name_vi,
            name_en=district.name_en,
            kind=UnitKind.DISTRICT,
            parent=city,
            actor=DEMO_ACTOR,
            source=DISTRICT_SOURCE,
        )
        for district in former_districts(hanoi_units())
    ]


def link_districts(districts: list[Unit], communes: list[Unit]) -> int:
    """District → each new commune/ward that lists it: ``split`` when the new unit comes from
    one district, ``merge`` (one call with all its districts) when from several."""
    district_by_name = {district.name_vi: district for district in districts}
    commune_by_code = {commune.code: commune for commune in communes}
    grouped: dict[tuple[str, str], list[Unit]] = defaultdict(list)
    notes: dict[tuple[str, str], list[str]] = defaultdict(list)
    for link in district_links(hanoi_units()):
        key = (link.successor_code, link.kind)
        grouped[key].append(district_by_name[link.district])
        notes[key].append(link.note)
    created = 0
    for (code, kind), predecessors in grouped.items():
        created += len(
            unit_reorganise(
                predecessors=predecessors,
                successor=commune_by_code[code],
                date=DISTRICTS_ABOLISHED_ON,
                kind=kind,
                actor=DEMO_ACTOR,
                note=(
                    f"{'; '.join(notes[(code, kind)])} → {commune_by_code[code].name_vi} "
                    f"({RESOLUTION_1656})"
                ),
            )
        )
    return created


def create_former_departments(city: Unit) -> list[Unit]:
    """The 21 departments of 2024; ``unit_reorganise`` ends them on 28 February 2025."""
    reference = {department.code: department for department in hanoi_departments()}
    units = []
    for former in FORMER_DEPARTMENTS:
        successors = ", ".join(code for code, _kind in former.successors)
        first = reference[former.successors[0][0]]
        units.append(
            unit_create(
                code=former.code,
                name_vi=former.name_vi,
                name_en=former.name_en,
                kind=former.kind,
                parent=city,
                actor=DEMO_ACTOR,
                source=(
                    f"Structure before 1 March 2025, derived from hanoi_departments_2025.csv "
                    f"({successors}: {first.note}); code invented for the demo. "
                    f"Sources: {first.source}"
                ),
            )
        )
    return units


def link_former_departments(former: list[Unit], departments: list[Unit]) -> int:
    """Each 2024 department → the department(s) of 1 March 2025 that took over its work."""
    reference = {department.code: department for department in hanoi_departments()}
    former_by_code = {unit.code: unit for unit in former}
    current_by_code = {unit.code: unit for unit in departments}
    grouped: dict[tuple[str, str], list[Unit]] = defaultdict(list)
    for department in FORMER_DEPARTMENTS:
        for successor, kind in department.successors:
            grouped[(successor, kind)].append(former_by_code[department.code])
    created = 0
    for (successor, kind), predecessors in grouped.items():
        names = " + ".join(unit.name_vi for unit in predecessors)
        note = (
            f"{names} → {current_by_code[successor].name_vi} ({kind}); "
            f"hanoi_departments_2025.csv: {reference[successor].note}"
        )
        created += len(
            unit_reorganise(
                predecessors=predecessors,
                successor=current_by_code[successor],
                date=DEPARTMENTS_REORGANISED_ON,
                kind=kind,
                actor=DEMO_ACTOR,
                note=note,
            )
        )
    return created


def create_units() -> DemoUnits:
    city = create_city()
    departments = create_departments(city)
    communes = create_communes(city)
    districts = create_districts(city)
    former = create_former_departments(city)
    successions = link_districts(districts, communes)
    successions += link_former_departments(former, departments)
    # The reorganisations set the predecessors' last day; read the units back with it.
    ended = {
        unit.pk: unit for unit in Unit.objects.filter(pk__in=[u.pk for u in districts + former])
    }
    return DemoUnits(
        city=city,
        departments=departments,
        communes=communes,
        districts=[ended[unit.pk] for unit in districts],
        former_departments=[ended[unit.pk] for unit in former],
        successions=successions,
    )
