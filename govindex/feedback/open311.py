"""Open311 GeoReport v2 at ``/open311/v2/`` (and the discovery document at
``/open311/discovery.{xml,json}``). Plain Django views: the specification wants XML as well as
JSON and form-encoded POSTs. Thin: parse, call a selector or service, render.

Mapping (see docs/feedback.md): service = feedback category; service request = case, its
``service_request_id`` the public tracking code; ``open`` = received … answered, ``closed`` =
answer published, closed or rejected; ``expected_datetime`` = the handling deadline;
``address_id`` = the official code of the commune/ward.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db.models import Max, QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from govindex.errors import ApplicationError
from govindex.feedback.models import (
    OPEN_STATUSES,
    CaseStatus,
    Channel,
    FeedbackCase,
    FeedbackCategory,
    RejectionReason,
    Severity,
)
from govindex.feedback.open311_format import (
    CONTENT_TYPES,
    attribute_values_problems,
    errors_document,
    render,
    service_definition,
)
from govindex.feedback.selectors import categories_active, public_cases
from govindex.feedback.services import api_key_find, feedback_case_submit
from govindex.feedback.throttling import Limit, rate_limit_hit
from govindex.languages import active_language
from govindex.orgs.models import Unit

JURISDICTION_ID = "hanoi.gov.vn"
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
MAX_REQUESTS = 1000
MAX_SPAN = timedelta(days=90)
CLOSED_STATUSES = (CaseStatus.PUBLISHED, CaseStatus.CLOSED, CaseStatus.REJECTED)


class Open311Error(Exception):
    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


def _response(fmt: str, root: str, data: Any, status: int = 200) -> HttpResponse:
    return HttpResponse(render(fmt, root, data), status=status, content_type=CONTENT_TYPES[fmt])


def _error(fmt: str, status: int, *descriptions: str) -> HttpResponse:
    return _response(
        fmt, "errors", errors_document([(status, text) for text in descriptions]), status
    )


def open311_view(view: Any) -> Any:
    """Answer every failure in the GeoReport error format, in the requested format."""

    def wrapped(request: HttpRequest, *args: Any, fmt: str, **kwargs: Any) -> HttpResponse:
        try:
            _check_jurisdiction(request)
            return view(request, *args, fmt=fmt, **kwargs)
        except Open311Error as error:
            return _error(fmt, error.status, error.description)
        except ApplicationError as error:
            return _error(
                fmt, error.status if error.status in (403, 404, 429) else 400, error.message
            )

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _check_jurisdiction(request: HttpRequest) -> None:
    """One jurisdiction: ``jurisdiction_id`` may be left out; a different one is not found."""
    given = (request.POST.get("jurisdiction_id") if request.method == "POST" else None) or (
        request.GET.get("jurisdiction_id")
    )
    if given and given.strip() != JURISDICTION_ID:
        raise Open311Error(404, _("jurisdiction_id %(id)s not found") % {"id": given})


def _changeset() -> str:
    latest = FeedbackCategory.objects.aggregate(latest=Max("updated_at"))["latest"]
    return timezone.localtime(latest).strftime("%Y-%m-%d %H:%M") if latest else "2025-01-01 00:00"


# Discovery ---------------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD"])
@open311_view
def discovery(request: HttpRequest, *, fmt: str) -> HttpResponse:
    changeset = _changeset()
    document = {
        "changeset": changeset,
        "contact": _(
            "Hanoi People's Committee, Department of Home Affairs — the GovIndex feedback service"
        ),
        "key_service": _(
            "API keys for posting requests are issued by the city's administrators "
            "(govindex feedback api-key)."
        ),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": request.build_absolute_uri(reverse("open311:root")).rstrip("/"),
                "changeset": changeset,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return _response(fmt, "discovery", document)


# Services ----------------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD"])
@open311_view
def services(request: HttpRequest, *, fmt: str) -> HttpResponse:
    language = active_language()
    rows = [
        {
            "service_code": category.code,
            "service_name": category.name_in(language),
            "description": category.description,
            "metadata": bool(category.attributes),
            "type": "realtime",
            "keywords": category.keywords,
            "group": str(category.get_group_display()),
        }
        for category in categories_active()
    ]
    return _response(fmt, "services", rows)


@require_http_methods(["GET", "HEAD"])
@open311_view
def service(request: HttpRequest, code: str, *, fmt: str) -> HttpResponse:
    category = categories_active().filter(code=code).first()
    if category is None:
        raise Open311Error(404, _("service_code %(code)s not found") % {"code": code})
    return _response(
        fmt, "service_definition", service_definition(category.code, category.attributes)
    )


# Requests ----------------------------------------------------------------------------------------


def service_notice(severity: str) -> str:
    if severity == Severity.URGENT:
        return _(
            "The handling unit accepts the report within 8 working hours and handles it within 4 "
            "working hours of accepting it."
        )
    return _(
        "The handling unit accepts the report within 8 working hours and handles it within 15 "
        "working days; the answer is published within 2 working days."
    )


def status_notes(case: FeedbackCase) -> str | None:
    if case.status == CaseStatus.REJECTED:
        return _("Rejected: %(reason)s") % {"reason": RejectionReason(case.rejection_reason).label}
    if case.status in (CaseStatus.PUBLISHED, CaseStatus.CLOSED):
        return case.public_answer or None
    return str(CaseStatus(case.status).label)


def media_url(request: HttpRequest, case: FeedbackCase) -> str | None:
    if case.media_url:
        return case.media_url
    if case.status in (CaseStatus.PUBLISHED, CaseStatus.CLOSED):
        photos = list(case.photos.all())
        if photos:
            return request.build_absolute_uri(reverse("feedback:photo", args=[photos[0].pk]))
    return None


def request_document(request: HttpRequest, case: FeedbackCase, language: str) -> dict[str, Any]:
    return {
        "service_request_id": case.tracking_code,
        "status": "open" if case.status in OPEN_STATUSES else "closed",
        "status_notes": status_notes(case),
        "service_name": case.category.name_in(language),
        "service_code": case.category.code,
        "description": case.public_description,
        "agency_responsible": case.handling_unit.name_in(language),
        "service_notice": service_notice(case.severity),
        "requested_datetime": case.received_at,
        "updated_datetime": case.updated_at,
        "expected_datetime": case.handle_due,
        "address": case.address or (case.area.name_in(language) if case.area else None),
        "address_id": case.area.code if case.area else None,
        "zipcode": None,
        "lat": case.lat,
        "long": case.lon,
        "media_url": media_url(request, case),
    }


def _cases() -> QuerySet[FeedbackCase]:
    return (
        public_cases()
        .select_related("category", "handling_unit", "area")
        .prefetch_related("photos")
    )


def _w3(name: str, raw: str) -> datetime:
    try:
        moment = datetime.fromisoformat(raw.strip().replace(" ", "+"))
    except ValueError as exc:
        raise Open311Error(
            400, _("%(name)s must be a W3C date-time such as 2025-01-01T00:00:00Z") % {"name": name}
        ) from exc
    if moment.tzinfo is None:
        raise Open311Error(
            400, _("%(name)s must include a time zone (Z or +07:00)") % {"name": name}
        )
    return moment


def _list(raw: str) -> list[str]:
    return [item.strip() for item in raw.split(",") if item.strip()]


def requests_query(params: Any, *, now: datetime) -> QuerySet[FeedbackCase]:
    """GET requests: ``service_request_id`` (overrides everything else), ``service_code``,
    ``start_date``/``end_date`` (at most 90 days; the last 90 days by default) and ``status``."""
    ids = _list(params.get("service_request_id", ""))
    if ids:
        return (
            _cases()
            .filter(tracking_code__in=[code.upper() for code in ids])
            .order_by("-received_at")
        )
    cases = _cases()
    codes = _list(params.get("service_code", ""))
    if codes:
        cases = cases.filter(category__code__in=codes)
    start_raw, end_raw = params.get("start_date", ""), params.get("end_date", "")
    start = _w3("start_date", start_raw) if start_raw.strip() else None
    end = _w3("end_date", end_raw) if end_raw.strip() else None
    if start is None and end is None:
        end, start = now, now - MAX_SPAN
    elif start is None:
        start = end - MAX_SPAN  # type: ignore[operator]
    elif end is None:
        end = start + MAX_SPAN
    if end < start:  # type: ignore[operator]
        raise Open311Error(400, _("end_date is before start_date"))
    if end - start > MAX_SPAN:  # type: ignore[operator]
        raise Open311Error(400, _("start_date and end_date may not span more than 90 days"))
    cases = cases.filter(received_at__gte=start, received_at__lte=end)
    statuses = _list(params.get("status", ""))
    unknown = [status for status in statuses if status not in ("open", "closed")]
    if unknown:
        raise Open311Error(400, _("status must be open or closed, comma-delimited"))
    if statuses == ["open"]:
        cases = cases.filter(status__in=OPEN_STATUSES)
    elif statuses == ["closed"]:
        cases = cases.filter(status__in=CLOSED_STATUSES)
    return cases.order_by("-received_at", "-pk")


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
@open311_view
def requests(request: HttpRequest, *, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _post_request(request, fmt)
    language = active_language()
    cases = requests_query(request.GET, now=timezone.now())[:MAX_REQUESTS]
    return _response(
        fmt, "service_requests", [request_document(request, case, language) for case in cases]
    )


@require_http_methods(["GET", "HEAD"])
@open311_view
def request_detail(request: HttpRequest, request_id: str, *, fmt: str) -> HttpResponse:
    case = _cases().filter(tracking_code=request_id.upper()).first()
    if case is None:
        raise Open311Error(404, _("service_request_id %(id)s not found") % {"id": request_id})
    return _response(fmt, "service_requests", [request_document(request, case, active_language())])


@require_http_methods(["GET", "HEAD"])
@open311_view
def token(request: HttpRequest, token_id: str, *, fmt: str) -> HttpResponse:
    """GovIndex services are realtime (POST returns the id), so tokens are only a second way to
    the id: every case has one."""
    code = (
        public_cases()
        .filter(open311_token=token_id)
        .values_list("tracking_code", flat=True)
        .first()
    )
    if code is None:
        raise Open311Error(404, _("token %(token)s not found") % {"token": token_id})
    return _response(fmt, "service_requests", [{"service_request_id": code, "token": token_id}])


@dataclass(frozen=True)
class PostedLocation:
    lat: float | None
    lon: float | None
    address: str
    area: Unit | None


def _posted_location(form: Any) -> PostedLocation:
    lat_raw, lon_raw = form.get("lat", "").strip(), form.get("long", "").strip()
    address = form.get("address_string", "").strip()
    address_id = form.get("address_id", "").strip()
    lat = lon = None
    if lat_raw or lon_raw:
        if not (lat_raw and lon_raw):
            raise Open311Error(400, _("lat and long must both be sent"))
        try:
            lat, lon = float(lat_raw), float(lon_raw)
        except ValueError as exc:
            raise Open311Error(400, _("lat and long must be numbers (WGS84)")) from exc
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise Open311Error(400, _("lat and long are outside WGS84 ranges"))
    area = None
    if address_id:
        area = Unit.objects.filter(code=address_id).first()
        if area is None:
            raise Open311Error(
                400,
                _("address_id %(id)s is not the code of a commune or ward") % {"id": address_id},
            )
    if lat is None and not address and area is None:
        raise Open311Error(
            400, _("A location is required: lat and long, address_string or address_id")
        )
    return PostedLocation(lat, lon, address[:300], area)


def _posted_attributes(form: Any) -> dict[str, list[str]]:
    """``attribute[code]=v`` and ``attribute[code][]=v1&attribute[code][]=v2``."""
    given: dict[str, list[str]] = defaultdict(list)
    for key in form:
        if key.startswith("attribute[") and "]" in key:
            code = key[len("attribute[") : key.index("]")]
            given[code].extend(form.getlist(key))
    return given


def _post_request(request: HttpRequest, fmt: str) -> HttpResponse:
    form = request.POST
    key = api_key_find(form.get("api_key", "") or request.GET.get("api_key", ""))
    if key is None:
        raise Open311Error(
            403, _("Invalid or missing api_key -- can't proceed with create_request.")
        )
    rate_limit_hit(limit=Limit("open311-key", key.per_hour, 3600), who=str(key.pk))
    code = form.get("service_code", "").strip()
    if not code:
        raise Open311Error(400, _("service_code was not provided"))
    category = categories_active().filter(code=code).first()
    if category is None:
        raise Open311Error(404, _("service_code %(code)s not found") % {"code": code})
    location = _posted_location(form)
    description = form.get("description", "")
    if len(description) > 4000:
        raise Open311Error(400, _("description is limited to 4,000 characters"))
    attributes, problems = attribute_values_problems(category.attributes, _posted_attributes(form))
    email = form.get("email", "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            problems.append(_("email is not a valid e-mail address"))
    media = form.get("media_url", "").strip()
    if media:
        try:
            URLValidator(schemes=["http", "https"])(media)
        except ValidationError:
            problems.append(_("media_url is not an http(s) URL"))
    if problems:
        return _error(fmt, 400, *problems)
    name = " ".join(
        part for part in (form.get("first_name", ""), form.get("last_name", "")) if part.strip()
    )
    submitted = feedback_case_submit(
        category=category,
        description=description or category.name_vi,
        actor=f"system:open311:{key.prefix}",
        lat=location.lat,
        lon=location.lon,
        address=location.address,
        area=location.area,
        contact_name=name.strip()[:200],
        contact_email=email,
        contact_phone=form.get("phone", "").strip()[:30],
        channel=Channel.OPEN311,
        attributes=attributes,
        media_url=media,
        device_id=form.get("device_id", "").strip()[:100],
        account_id=form.get("account_id", "").strip()[:100],
    )
    case = submitted.case
    return _response(
        fmt,
        "service_requests",
        [
            {
                "service_request_id": case.tracking_code,
                "service_notice": service_notice(case.severity),
                "account_id": case.account_id or None,
            }
        ],
        status=201,
    )


def not_found(request: HttpRequest, rest: str) -> HttpResponse:
    """Anything else under /open311/: 404 in the GeoReport format (JSON if asked for)."""
    fmt = "json" if rest.endswith(".json") else "xml"
    return _error(
        fmt, 404, _("There is no such Open311 resource: %(path)s") % {"path": request.path}
    )
