"""The events API: a token per source system, all-or-nothing batches, idempotent re-sends; and
the public index endpoints."""

from __future__ import annotations

import json

import pytest

from govindex.dossiers.models import DailyCount, Dossier, DossierEvent, SourceSystem
from govindex.dossiers.services import source_system_create
from tests.dossiers.factories import ProcedureFactory
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db
URL = "/api/realtime/events"


def received(event_id: str, dossier: str, **attributes) -> dict:
    return {
        "event_id": event_id,
        "dossier": dossier,
        "kind": "received",
        "occurred_at": "2025-09-01T08:00:00+07:00",
        "unit": "00004",
        "official": "Nguyễn Văn An",
        "attributes": {
            "MaTTHC": "P1",
            "NgayHenTra": "2025-09-03T17:00:00+07:00",
            "KenhThucHien": 2,
            **attributes,
        },
    }


@pytest.fixture
def token() -> str:
    UnitFactory(code="00004")
    ProcedureFactory(code="P1")
    _, token = source_system_create(code="one-stop", name="One-stop", actor="system:test")
    return token


def post(client, body, token: str | None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return client.post(URL, json.dumps(body), content_type="application/json", **headers)


def test_without_a_token_nothing_is_accepted(client, token) -> None:
    response = post(client, {"events": [received("e1", "HS-1")]}, None)

    assert response.status_code == 401
    assert Dossier.objects.count() == 0


def test_a_wrong_or_disabled_token_is_refused(client, token) -> None:
    assert post(client, {"events": [received("e1", "HS-1")]}, token + "x").status_code == 401
    SourceSystem.objects.update(is_active=False)
    assert post(client, {"events": [received("e1", "HS-1")]}, token).status_code == 401
    assert Dossier.objects.count() == 0


def test_only_the_token_hash_is_stored(token) -> None:
    system = SourceSystem.objects.get()
    assert token not in (system.token_hash, system.token_prefix)
    assert len(system.token_hash) == 64


def test_a_batch_is_applied_and_a_resend_changes_nothing(client, token) -> None:
    body = {
        "events": [
            received("e1", "HS-1"),
            {
                "event_id": "e2",
                "dossier": "HS-1",
                "kind": "result_returned",
                "occurred_at": "2025-09-02T10:00:00+07:00",
                "unit": "00004",
                "attributes": {"CoKetQuaDienTu": 1, "DanhGiaHaiLong": 1},
            },
        ]
    }

    first = post(client, body, token)
    counters = list(DailyCount.objects.order_by("pk").values())
    again = post(client, body, token)

    assert first.status_code == 200
    assert first.json() | {"batch_id": 0} == {
        "batch_id": 0,
        "accepted": 2,
        "duplicates": 0,
        "dossiers_created": 1,
        "dossiers_updated": 0,
        "replayed": False,
    }
    assert again.json()["replayed"] is True
    assert DossierEvent.objects.count() == 2
    assert list(DailyCount.objects.order_by("pk").values()) == counters
    dossier = Dossier.objects.get()
    assert (dossier.status, dossier.electronic_result, dossier.rating) == (5, True, 1)
    assert dossier.finished_at.isoformat() == "2025-09-02T03:00:00+00:00"
    assert sum(DailyCount.objects.values_list("finished_on_time", flat=True)) == 1


def test_an_event_sent_again_in_another_batch_is_a_duplicate(client, token) -> None:
    post(client, {"events": [received("e1", "HS-1")]}, token)

    response = post(client, {"idempotency_key": "b2", "events": [received("e1", "HS-1")]}, token)

    assert response.json()["duplicates"] == 1
    assert response.json()["accepted"] == 0
    assert sum(DailyCount.objects.values_list("received", flat=True)) == 1


def test_one_bad_event_refuses_the_whole_batch(client, token) -> None:
    body = {
        "events": [
            received("e1", "HS-1"),
            received("e2", "HS-2", MaTTHC="9.999"),
            {**received("e3", "HS-3"), "kind": "teleported"},
            {**received("e4", "HS-4"), "unit": "99999"},
        ]
    }

    response = post(client, body, token)

    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_events"
    assert "event 1: MaTTHC: unknown procedure '9.999'" in error["message"]
    assert "event 2: unknown kind 'teleported'" in error["message"]
    assert "event 3: unknown unit '99999'" in error["message"]
    assert Dossier.objects.count() == 0
    assert DailyCount.objects.count() == 0


def test_an_event_for_a_dossier_never_received_is_refused(client, token) -> None:
    body = {"events": [{**received("e1", "HS-9"), "kind": "processed", "attributes": {}}]}

    response = post(client, body, token)

    assert response.status_code == 422
    assert "dossier 'HS-9' is unknown" in response.json()["error"]["message"]


def test_the_index_endpoint_answers_for_the_period(client, token) -> None:
    post(client, {"events": [received("e1", "HS-1")]}, token)

    response = client.get("/api/realtime/index", {"period": "2025-09", "language": "en"})

    assert response.status_code == 200
    [unit] = response.json()
    assert unit["unit_code"] == "00004"
    on_time = next(i for i in unit["indicators"] if i["number"] == "2.1")
    assert (on_time["numerator"], on_time["denominator"], on_time["rate"]) == (0, 1, 0.0)
    assert client.get("/api/realtime/index", {"period": "2025-13"}).status_code == 400
