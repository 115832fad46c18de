"""The official civil-service days off and make-up working days that the ``holidays`` package
does not have (``reference/civil_service_days.csv``); the first migration loads them into the
city's table. Each row cites the document that decided it; ``docs/calendar.md`` lists the years
checked."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path

REFERENCE_FILE = Path(__file__).resolve().parent / "reference" / "civil_service_days.csv"
KINDS = ("day_off", "working_day")


@dataclass(frozen=True)
class ReferenceDay:
    day: date
    kind: str
    name: str
    source: str


def reference_days(path: Path = REFERENCE_FILE) -> list[ReferenceDay]:
    """The rows of the reference file, checked (a bad row raises ``ValueError`` with its line)."""
    rows = []
    with path.open(encoding="utf-8", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            try:
                day = date.fromisoformat(row["day"])
            except (TypeError, ValueError) as error:
                raise ValueError(f"{path.name}:{line}: bad day {row.get('day')!r}") from error
            if row["kind"] not in KINDS:
                raise ValueError(f"{path.name}:{line}: kind must be one of {KINDS}")
            if not row["name"].strip() or not row["source"].strip():
                raise ValueError(f"{path.name}:{line}: name and source are required")
            rows.append(ReferenceDay(day, row["kind"], row["name"].strip(), row["source"].strip()))
    days = [row.day for row in rows]
    if len(days) != len(set(days)):
        raise ValueError(f"{path.name}: a day appears twice")
    return rows
