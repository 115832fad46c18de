"""A synthetic live feed for the demo: new dossiers received and open ones finished, as events
through ``events_ingest`` (the API's own path), a batch every second, so the portal moves.

Run it beside the server: ``govindex realtime feed --rate 20`` (Ctrl+C stops it).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta

import numpy as np
from django.utils import timezone

from govindex.dossiers.models import Dossier, OnlineLevel, Procedure, ProcedureLevel, SourceSystem
from govindex.dossiers.services import (
    city_calendar,
    dossiers_rejudge,
    events_ingest,
    source_system_create,
)
from govindex.orgs.models import Unit, UnitKind

FEED_SOURCE = "demo-live-feed"


def _source() -> SourceSystem:
    system = SourceSystem.objects.filter(code=FEED_SOURCE).first()
    if system is None:
        system, _token = source_system_create(
            code=FEED_SOURCE, name="Demo live feed", actor="system:demo-feed"
        )
    return system


def feed_batch(rng: np.random.Generator, size: int, serial: int) -> dict[str, int]:
    """One batch of about ``size`` events: two thirds new dossiers, one third endings."""
    system = _source()
    now = timezone.now()
    calendar = city_calendar()
    wards = list(
        Unit.objects.filter(kind__in=[UnitKind.WARD, UnitKind.COMMUNE]).values_list(
            "code", flat=True
        )
    )
    procedures = list(
        Procedure.objects.filter(level=ProcedureLevel.COMMUNE).values_list(
            "code", "time_limit_days", "online_level"
        )
    )
    if not wards or not procedures:
        return {"accepted": 0}
    events = []
    new = max(1, (2 * size) // 3)
    for number in range(new):
        code, days, online = procedures[int(rng.integers(len(procedures)))]
        due = calendar.add_working_days(now, int(days))
        online_share = (
            0.8 if online == OnlineLevel.FULL else 0.3 if online == OnlineLevel.PARTIAL else 0
        )
        events.append(
            {
                "event_id": f"feed-{serial}-{number}-r",
                "dossier": f"LIVE-{now:%Y%m%d%H%M%S}-{serial}-{number}",
                "kind": "received",
                "occurred_at": now.isoformat(),
                "unit": wards[int(rng.integers(len(wards)))],
                "official": "Bộ phận một cửa",
                "attributes": {
                    "MaTTHC": code,
                    "NgayHenTra": due.isoformat(),
                    "KenhThucHien": 2 if rng.random() < online_share else 1,
                    "DuocSoHoa": bool(rng.random() < 0.7),
                },
            }
        )
    open_ones = list(
        Dossier.objects.filter(finished_at__isnull=True, received_at__lt=now - timedelta(minutes=1))
        .order_by("?")
        .values_list("code", "unit__code")[: size - new]
    )
    for number, (code, unit_code) in enumerate(open_ones):
        events.append(
            {
                "event_id": f"feed-{serial}-{number}-e",
                "dossier": code,
                "kind": "result_returned",
                "occurred_at": now.isoformat(),
                "unit": unit_code,
                "attributes": {
                    "CoKetQuaDienTu": bool(rng.random() < 0.6),
                    "DanhGiaHaiLong": int(rng.random() < 0.95),
                },
            }
        )
    result = events_ingest(source_system=system, events=events)
    return {"accepted": result.accepted}


def run_feed(
    *, rate: float = 20.0, seconds: float = 0, seed: int = 7, out: Callable[[str], None] = print
) -> None:
    rng = np.random.default_rng(seed)
    started = time.monotonic()
    serial = int(time.time())
    sent = 0
    out(f"Live feed: about {rate:g} events a second (Ctrl+C stops it).")
    try:
        while not seconds or time.monotonic() - started < seconds:
            tick = time.monotonic()
            serial += 1
            sent += feed_batch(rng, max(1, int(rate)), serial)["accepted"]
            if serial % 30 == 0:
                dossiers_rejudge()
                out(f"{sent} events sent")
            time.sleep(max(0.0, 1.0 - (time.monotonic() - tick)))
    except KeyboardInterrupt:
        out(f"Stopped after {sent} events.")
