"""The GovIndex HTTP API (django-ninja; OpenAPI at /api/docs).

Apps attach their routers here. Every error leaves the API in one shape::

    {"error": {"code": "snake_case_name", "message": "what went wrong"}}

(validation errors add ``details``, the list of fields and problems).
"""

from __future__ import annotations

from typing import Any

from django.db import DatabaseError, connection
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import HttpError, ValidationError

from govindex.dossiers.api import router as realtime_router
from govindex.errors import ApplicationError
from govindex.portal.api import router as rankings_router

api = NinjaAPI(title="GovIndex API", version="1", urls_namespace="api")


def error_response(
    request: HttpRequest, *, status: int, code: str, message: str, **extra: Any
) -> HttpResponse:
    return api.create_response(
        request, {"error": {"code": code, "message": message, **extra}}, status=status
    )


@api.exception_handler(ApplicationError)
def application_error(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    return error_response(request, status=exc.status, code=exc.code, message=exc.message)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return error_response(
        request,
        status=422,
        code="validation_error",
        message="The request is not valid.",
        details=exc.errors,
    )


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return error_response(
        request, status=exc.status_code, code=f"http_{exc.status_code}", message=exc.message
    )


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(request, status=404, code="not_found", message="Not found.")


class Health(Schema):
    status: str
    database: str


@api.get("/health", response=Health, tags=["health"])
def health(request: HttpRequest) -> dict[str, str]:
    """Answer ``ok`` when the service and its database respond."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as exc:
        raise ApplicationError(
            "The database is not reachable.", code="database_unavailable", status=503
        ) from exc
    return {"status": "ok", "database": connection.vendor}


# The apps' routers (each app's api.py).
api.add_router("/rankings", rankings_router)
api.add_router("/realtime", realtime_router)
