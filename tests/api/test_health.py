"""The health endpoint and the one error shape of the API."""

from __future__ import annotations

import json
import os

import pytest
from django.db import OperationalError, connection
from django.http import Http404
from django.test import Client, RequestFactory
from ninja.errors import AuthenticationError, ValidationError

from govindex.api import api as api_module
from govindex.api.api import api
from govindex.errors import ApplicationError


def expected_vendor() -> str:
    url = os.environ.get("DATABASE_URL", "")
    return "postgresql" if url.startswith(("postgres://", "postgresql://")) else "sqlite"


@pytest.mark.django_db
def test_health_answers_ok_with_the_configured_database(client: Client) -> None:
    response = client.get("/api/health")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": expected_vendor()}
    assert connection.vendor == expected_vendor()


class UnreachableDatabase:
    vendor = "postgresql"

    def cursor(self) -> None:
        raise OperationalError("connection refused")


def test_health_maps_a_database_failure_to_the_error_shape(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(api_module, "connection", UnreachableDatabase())

    response = client.get("/api/health")

    assert response.status_code == 503
    assert response.json() == {
        "error": {"code": "database_unavailable", "message": "The database is not reachable."}
    }


def answer(exc: Exception) -> tuple[int, object]:
    response = api.on_exception(RequestFactory().get("/api/anything"), exc)
    return response.status_code, json.loads(response.content)


def test_application_error_keeps_its_code_message_and_status() -> None:
    error = ApplicationError("Round 2024 is already published.", code="round_published", status=409)

    assert answer(error) == (
        409,
        {"error": {"code": "round_published", "message": "Round 2024 is already published."}},
    )


def test_application_error_defaults_to_400() -> None:
    assert answer(ApplicationError("Bad input.")) == (
        400,
        {"error": {"code": "application_error", "message": "Bad input."}},
    )


def test_validation_error_has_the_same_shape_with_details() -> None:
    problems = [{"loc": ["query", "year"], "msg": "Input should be a valid integer"}]

    assert answer(ValidationError(problems)) == (
        422,
        {
            "error": {
                "code": "validation_error",
                "message": "The request is not valid.",
                "details": problems,
            }
        },
    )


def test_http_errors_and_not_found_have_the_same_shape() -> None:
    assert answer(AuthenticationError()) == (
        401,
        {"error": {"code": "http_401", "message": "Unauthorized"}},
    )
    assert answer(Http404("no such unit")) == (
        404,
        {"error": {"code": "not_found", "message": "Not found."}},
    )
