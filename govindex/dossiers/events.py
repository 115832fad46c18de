"""Status events of dossiers: checking a batch and folding it onto dossier states.

An event (JSON, see docs/realtime.md)::

    {"event_id": "hcc-000123", "dossier": "000.00.01.H26-250901-0001", "kind": "received",
     "occurred_at": "2025-09-01T08:30:00+07:00", "unit": "00004", "official": "Nguyễn Văn An",
     "attributes": {"MaTTHC": "1.001234", "NgayHenTra": "2025-09-04T17:00:00+07:00",
                    "KenhThucHien": 2}}

``attributes`` use the import file's column names; a ``received`` event must carry ``MaTTHC``,
``NgayHenTra`` and ``KenhThucHien``. Pure Python: no database here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from govindex.dossiers.frames import LOCAL
from govindex.dossiers.importing import _FALSE, _TRUE, COLUMNS
from govindex.dossiers.models import CLOSED_STATUSES, EventKind, Status
from govindex.dossiers.rules import LOCAL_ZONE
from govindex.errors import ApplicationError

_CLOSED = frozenset(int(status) for status in CLOSED_STATUSES)
_ENDING = {
    EventKind.PROCESSED: Status.PROCESSED,
    EventKind.RESULT_RETURNED: Status.RESULT_RETURNED,
    EventKind.REFUSED: Status.REFUSED,
    EventKind.WITHDRAWN: Status.WITHDRAWN,
}
#: Attributes an event may set (import column → dossier field), besides those of ``received``.
SETTABLE = {
    name: column
    for name, column in COLUMNS.items()
    if name not in ("MaHoSo", "MaDonVi", "NgayTiepNhan", "TrangThaiHoSo", "NgayKetThucXuLy")
    and not name.startswith(("SoLanYeuCauBoSung", "NgayYeuCauBoSung", "NgayNhanBoSung"))
}
MAX_EVENTS = 5_000


@dataclass(frozen=True)
class ParsedEvent:
    index: int
    event_id: str
    dossier: str
    kind: str
    occurred_at: datetime
    unit_id: int
    official: str
    attributes: Mapping[str, Any]


def parse_moment(value: Any) -> datetime:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value).strip())
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=LOCAL_ZONE)
    return moment


def _attribute(name: str, value: Any, procedure_ids: Mapping[str, int]) -> tuple[str, Any]:
    column = SETTABLE[name]
    if name == "MaTTHC":
        code = str(value).strip()
        if code not in procedure_ids:
            raise ValueError(f"unknown procedure {code!r}")
        return "procedure_id", procedure_ids[code]
    if value is None or value == "":
        return column.field, column.default
    if column.kind in ("datetime", "deadline"):
        return column.field, parse_moment(value)
    if column.kind == "integer":
        number = int(value)
        if isinstance(value, float) and value != number:
            raise ValueError(f"{value!r} is not a whole number")
        if column.allowed and number not in column.allowed:
            raise ValueError(f"{value!r} is not one of {', '.join(map(str, column.allowed))}")
        return column.field, number
    if column.kind == "boolean":
        text = str(value).strip().lower()
        if isinstance(value, bool):
            return column.field, value
        if text in _TRUE or text in _FALSE:
            return column.field, text in _TRUE
        raise ValueError(f"{value!r} is not yes/no")
    return column.field, str(value).strip()


def parse_events(
    events: Sequence[Mapping[str, Any]],
    *,
    procedure_ids: Mapping[str, int],
    unit_ids: Mapping[str, int],
) -> list[ParsedEvent]:
    """Check every event; raise one ``ApplicationError`` (422) listing every problem."""
    if len(events) > MAX_EVENTS:
        raise ApplicationError(
            f"A batch holds at most {MAX_EVENTS} events; this one has {len(events)}.",
            code="batch_too_large",
            status=413,
        )
    kinds = set(EventKind.values)
    parsed, problems = [], []
    seen: dict[str, int] = {}
    for index, event in enumerate(events):
        where = f"event {index}"
        try:
            event_id = str(event["event_id"]).strip()
            dossier = str(event["dossier"]).strip()
            kind = str(event["kind"])
            unit = str(event["unit"]).strip()
            occurred_at = parse_moment(event["occurred_at"])
        except KeyError as missing:
            problems.append(f"{where}: {missing.args[0]} is missing")
            continue
        except (TypeError, ValueError) as error:
            problems.append(f"{where}: occurred_at: {error}")
            continue
        if not event_id or not dossier:
            problems.append(f"{where}: event_id and dossier must not be empty")
            continue
        if kind not in kinds:
            problems.append(f"{where}: unknown kind {kind!r} (one of {', '.join(sorted(kinds))})")
            continue
        if unit not in unit_ids:
            problems.append(f"{where}: unknown unit {unit!r}")
            continue
        if event_id in seen:
            problems.append(f"{where}: event_id {event_id!r} repeats event {seen[event_id]}")
            continue
        seen[event_id] = index
        attributes: dict[str, Any] = {}
        for name, value in dict(event.get("attributes") or {}).items():
            if name not in SETTABLE:
                problems.append(f"{where}: attribute {name!r} cannot be set by an event")
                continue
            try:
                field, converted = _attribute(name, value, procedure_ids)
            except (TypeError, ValueError) as error:
                problems.append(f"{where}: {name}: {error}")
                continue
            attributes[field] = converted
        if kind == EventKind.RECEIVED:
            needed = {"procedure_id": "MaTTHC", "due_at": "NgayHenTra", "channel": "KenhThucHien"}
            lacking = [name for field, name in needed.items() if field not in attributes]
            if lacking:
                problems.append(f"{where}: a received event needs {', '.join(lacking)}")
                continue
        parsed.append(
            ParsedEvent(
                index=index,
                event_id=event_id,
                dossier=dossier,
                kind=kind,
                occurred_at=occurred_at,
                unit_id=unit_ids[unit],
                official=str(event.get("official") or "")[:200],
                attributes=attributes,
            )
        )
    if problems:
        raise ApplicationError(
            f"{len(problems)} problem(s); nothing was applied: " + "; ".join(problems[:50]),
            code="invalid_events",
            status=422,
        )
    return parsed


def _new_state(event: ParsedEvent, unit_code: str) -> dict[str, Any]:
    return {
        "code": event.dossier,
        "unit_id": event.unit_id,
        "unit_code": unit_code,
        "procedure_id": None,
        "received_at": event.occurred_at,
        "due_at": None,
        "finished_at": None,
        "status": int(Status.RECEIVED),
        "channel": None,
        "online_payment": 0,
        "electronic_result": False,
        "digitised": False,
        "reused_data": False,
        "from_data_store": False,
        "population_data": False,
        "rating": None,
        "complained": False,
        "supplement_count": 0,
        "supplement_requested_at": None,
        "supplement_received_at": None,
        "second_supplement_at": None,
        "applicant_locality": "",
    }


def fold_events(
    events: Sequence[ParsedEvent],
    states: dict[str, dict[str, Any]],
    unit_codes: Mapping[int, str],
) -> list[str]:
    """Apply events (in order of time within each dossier) to ``states`` (dossier code → fields,
    changed in place; new dossiers are added). Returns the problems found."""
    problems = []
    for event in sorted(events, key=lambda e: (e.dossier, e.occurred_at, e.index)):
        where = f"event {event.index}"
        state = states.get(event.dossier)
        if state is None:
            if event.kind != EventKind.RECEIVED:
                problems.append(
                    f"{where}: dossier {event.dossier!r} is unknown (no received event)"
                )
                continue
            state = states[event.dossier] = _new_state(event, unit_codes[event.unit_id])
        state.update(event.attributes)
        at = event.occurred_at
        open_ = state["status"] not in _CLOSED
        if event.kind == EventKind.TRANSFERRED:
            state["unit_id"] = event.unit_id
            state["unit_code"] = unit_codes[event.unit_id]
            if open_:
                state["status"] = int(Status.IN_PROGRESS)
        elif event.kind == EventKind.SUPPLEMENT_REQUESTED:
            state["supplement_count"] += 1
            if state["supplement_count"] == 1:
                state["supplement_requested_at"] = at
            elif state["supplement_count"] == 2:
                state["second_supplement_at"] = at
            if open_:
                state["status"] = int(Status.AWAITING_SUPPLEMENT)
        elif event.kind == EventKind.SUPPLEMENT_RECEIVED:
            if state["supplement_count"] >= 1 and state["supplement_received_at"] is None:
                state["supplement_received_at"] = at
            if open_:
                state["status"] = int(Status.IN_PROGRESS)
        elif event.kind in _ENDING:
            if state["finished_at"] is None:
                state["finished_at"] = at
            state["status"] = int(_ENDING[EventKind(event.kind)])
        if state["due_at"] is not None and state["due_at"] < state["received_at"]:
            problems.append(f"{where}: NgayHenTra is before NgayTiepNhan")
        if state["finished_at"] is not None and state["finished_at"] < state["received_at"]:
            problems.append(f"{where}: processing ends before the dossier was received")
    return problems


__all__ = ["LOCAL", "ParsedEvent", "fold_events", "parse_events"]
