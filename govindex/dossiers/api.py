"""The real-time index API: events in (a token per source system), index, trend and worst
procedures out (public, like the portal). Mounted at ``/api/realtime/``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.security import HttpBearer

from govindex.dossiers import selectors
from govindex.dossiers.commands import index_json
from govindex.dossiers.models import SourceSystem
from govindex.dossiers.services import events_ingest, source_system_for_token
from govindex.errors import ApplicationError
from govindex.orgs.models import Unit

router = Router(tags=["realtime"])


class SourceToken(HttpBearer):
    """``Authorization: Bearer <token>`` of a registered, active source system."""

    def authenticate(self, request: HttpRequest, token: str) -> SourceSystem | None:
        return source_system_for_token(token)


class EventIn(Schema):
    event_id: str = Field(..., max_length=64)
    dossier: str = Field(..., max_length=64, description="MaHoSo")
    kind: str = Field(..., description="received, transferred, supplement_requested, …")
    occurred_at: datetime
    unit: str = Field(..., description="the unit's code (MaDonVi)")
    official: str = ""
    attributes: dict[str, Any] = Field(default_factory=dict)


class EventBatchIn(Schema):
    idempotency_key: str | None = Field(None, max_length=100)
    events: list[EventIn]


class EventBatchOut(Schema):
    batch_id: int
    accepted: int
    duplicates: int
    dossiers_created: int
    dossiers_updated: int
    replayed: bool


@router.post("/events", response=EventBatchOut, auth=SourceToken())
def post_events(request: HttpRequest, batch: EventBatchIn) -> Any:
    """A batch of dossier status events (at most 5,000), all applied or none. Sending the same
    batch again (same ``idempotency_key``, or the same body) changes nothing."""
    events = [event.dict() for event in batch.events]
    for event in events:
        event["occurred_at"] = event["occurred_at"].isoformat()
    return events_ingest(
        source_system=request.auth, events=events, idempotency_key=batch.idempotency_key
    )


@router.get("/index", response=list[dict[str, Any]])
def get_index(
    request: HttpRequest, period: str | None = None, unit: str | None = None, language: str = "vi"
) -> Any:
    """Each unit's groups, total, class, rank and every indicator with numerator, denominator,
    rate and points for ``period`` (YYYY, YYYY-Qn, YYYY-MM; default this month)."""
    chosen = selectors.period_parse(period) if period else selectors.current_period()
    return index_json(selectors.realtime_index(chosen, unit_code=unit, language=language))


def _unit(code: str) -> Unit:
    unit = Unit.objects.filter(code=code).first()
    if unit is None:
        raise ApplicationError(f"Unit {code!r} is unknown.", code="unknown_unit", status=404)
    return unit


@router.get("/units/{code}/trend", response=list[dict[str, Any]])
def get_trend(request: HttpRequest, code: str, year: int | None = None) -> Any:
    """The unit's score, on-time and online rates for each month of ``year``."""
    points = selectors.unit_trend(_unit(code), year or timezone.localdate().year)
    return [point.__dict__ for point in points]


@router.get("/units/{code}/worst-procedures", response=list[dict[str, Any]])
def get_worst(request: HttpRequest, code: str, period: str | None = None) -> Any:
    """The unit's procedures with the highest share of late dossiers in ``period``."""
    chosen = selectors.period_parse(period) if period else selectors.current_period()
    return [row.__dict__ for row in selectors.worst_procedures(_unit(code), chosen)]
