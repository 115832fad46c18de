"""Citizen pages at ``/feedback/``: send a report, follow and rate it, the public list and map of
answered cases, and the share answered on time per unit. No personal data on public pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib import messages
from django.core.cache import cache
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from govindex.errors import ApplicationError
from govindex.feedback import selectors
from govindex.feedback.forms import AbuseForm, RatingForm, ReportForm
from govindex.feedback.indicators import feedback_indicators
from govindex.feedback.models import (
    CasePhoto,
    CaseRating,
    CaseStatus,
    FeedbackCase,
    FeedbackCategory,
)
from govindex.feedback.permissions import can_view_case
from govindex.feedback.services import (
    PhotoUpload,
    abuse_report_create,
    citizen_key_hash,
    feedback_case_submit,
    feedback_rate,
)
from govindex.feedback.throttling import (
    REACT_IP,
    SUBMIT_ACCOUNT,
    SUBMIT_ANONYMOUS_IP,
    SUBMIT_ANY_IP,
    ip_key,
    rate_limit_hit,
)
from govindex.languages import active_language

SESSION_CASES = "feedback_cases"
PAGE_SIZE = 20
HANOI_CENTRE = (21.0285, 105.8542)
MAP_CACHE_SECONDS = 60


def client_ip(request: HttpRequest) -> str:
    """The peer address. A proxy's X-Forwarded-For is not trusted here: behind a proxy, set
    REMOTE_ADDR from it in the proxy or WSGI server, where it can be trusted."""
    return str(request.META.get("REMOTE_ADDR") or "unknown")


def _year_bounds(year: int) -> tuple[datetime, datetime]:
    zone = timezone.get_current_timezone()
    return datetime(year, 1, 1, tzinfo=zone), datetime(year + 1, 1, 1, tzinfo=zone)


def _year(request: HttpRequest) -> int:
    this_year = timezone.localdate().year
    try:
        year = int(request.GET.get("year", this_year))
    except ValueError:
        return this_year
    return year if 2015 <= year <= this_year else this_year


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The public list and map of answered cases."""
    language = active_language()
    category = request.GET.get("category", "")
    unit = request.GET.get("unit", "")
    query = request.GET.get("q", "").strip()[:100]
    cases = selectors.answered_public_cases(category=category, unit=unit, query=query)
    page = ListPage.of(cases, request.GET.get("page"))
    categories = list(selectors.categories_active())
    map_data = cache.get_or_set(
        f"feedback:map:{language}", lambda: _map_data(categories, language), MAP_CACHE_SECONDS
    )
    return render(
        request,
        "feedback/home.html",
        {
            "page": page,
            "categories": categories,
            "category": category,
            "unit": unit,
            "query": query,
            "map_data": map_data,
            "map_count": sum(len(series["points"]) for series in map_data["series"]),
            "language": language,
        },
    )


@dataclass(frozen=True)
class ListPage:
    """One page of a long list without counting the whole list (no COUNT(*) per request):
    one row more than the page tells whether there is a next page."""

    object_list: list[Any]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @classmethod
    def of(cls, rows: Any, raw_number: str | None, size: int = PAGE_SIZE) -> ListPage:
        try:
            number = max(1, min(int(raw_number or 1), 10_000))
        except ValueError:
            number = 1
        start = (number - 1) * size
        found = list(rows[start : start + size + 1])
        return cls(found[:size], number, len(found) > size)


def _map_data(categories: list[FeedbackCategory], language: str) -> dict[str, Any]:
    """Answered, located cases by category, and the area centres (cached for a minute)."""
    points = selectors.answered_map_points(limit=3000)
    names = {c.code: c.name_in(language) for c in categories}
    series: dict[str, list[list[Any]]] = {}
    for point in points:
        series.setdefault(point.category, []).append(
            [round(point.lon, 5), round(point.lat, 5), point.code, int(point.on_time)]
        )
    return {
        "series": [
            {"code": code, "name": names.get(code, code), "points": rows}
            for code, rows in sorted(series.items())
        ],
        "areas": [
            [round(lon, 5), round(lat, 5), name] for lon, lat, name in selectors.area_points()
        ],
        "areas_label": _("commune/ward centres"),
        "centre": HANOI_CENTRE,
        "case_url": reverse("feedback:case", args=["CODE"]),
    }


def _photos(request: HttpRequest, form: ReportForm) -> list[PhotoUpload]:
    return [
        PhotoUpload(name=upload.name or "photo", data=upload.read())
        for upload in form.cleaned_data.get("photos") or []
    ]


def _throttle_submission(request: HttpRequest) -> None:
    who = ip_key(client_ip(request))
    if request.user.is_authenticated:
        rate_limit_hit(limit=SUBMIT_ACCOUNT, who=str(request.user.pk))
        rate_limit_hit(limit=SUBMIT_ANY_IP, who=who)
    else:
        rate_limit_hit(limit=SUBMIT_ANONYMOUS_IP, who=who)


@require_http_methods(["GET", "POST"])
def report_new(request: HttpRequest) -> HttpResponse:
    """Send a report: anonymous allowed (throttled per IP), photos checked by content."""
    form = ReportForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            _throttle_submission(request)
            submitted = feedback_case_submit(
                category=data["category"],
                description=data["description"],
                actor=request.user,  # an anonymous visitor is recorded as "anonymous"
                lat=data.get("lat"),
                lon=data.get("lon"),
                address=data.get("address") or "",
                area=data.get("area"),
                contact_name=data.get("contact_name") or "",
                contact_email=data.get("contact_email") or "",
                contact_phone=data.get("contact_phone") or "",
                submitted_by=request.user if request.user.is_authenticated else None,
                photos=_photos(request, form),
                repeat_of=data.get("repeat_of"),
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
            status = error.status
        else:
            code = submitted.case.tracking_code
            request.session[SESSION_CASES] = [*request.session.get(SESSION_CASES, []), code][-50:]
            messages.success(
                request,
                _("Your report was received. Its tracking code is %(code)s.") % {"code": code},
            )
            url = reverse("feedback:case", args=[code])
            return redirect(f"{url}?k={submitted.citizen_key}")
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "feedback/new.html",
        {"form": form, "centre": HANOI_CENTRE},
        status=status,
    )


@require_GET
def similar(request: HttpRequest) -> HttpResponse:
    """Possible duplicates (same category, within 200 m, last 30 days), for the report form."""
    found: list[tuple[FeedbackCase, float]] = []
    category = FeedbackCategory.objects.filter(pk=request.GET.get("category") or 0).first()
    try:
        lat, lon = float(request.GET.get("lat", "")), float(request.GET.get("lon", ""))
    except ValueError:
        lat = lon = None  # type: ignore[assignment]
    if category is not None and lat is not None and -90 <= lat <= 90 and -180 <= lon <= 180:
        found = selectors.similar_cases(category=category, lat=lat, lon=lon)
    return render(request, "feedback/similar.html", {"found": found, "language": active_language()})


def _may_rate(request: HttpRequest, case: FeedbackCase) -> bool:
    """The person who sent the report: same session, the key from their receipt, or account."""
    if case.tracking_code in request.session.get(SESSION_CASES, []):
        return True
    key = request.GET.get("k") or request.POST.get("k") or ""
    if key and case.citizen_key_hash and citizen_key_hash(key) == case.citizen_key_hash:
        return True
    return bool(request.user.is_authenticated and case.submitted_by_id == request.user.pk)


def _public_case_or_404(code: str) -> FeedbackCase:
    case = selectors.public_case(code)
    if case is None:
        raise Http404(_("No public case has this tracking code."))
    return case


@require_GET
def case_page(request: HttpRequest, code: str) -> HttpResponse:
    """The public page of a case: no name, no contact, masked text; timeline and answer."""
    case = _public_case_or_404(code)
    events = list(case.events.select_related("unit").order_by("at", "pk"))
    answered = case.status in (CaseStatus.PUBLISHED, CaseStatus.CLOSED)
    rated = CaseRating.objects.filter(case=case, round=case.reopen_count).first()
    may_rate = answered and rated is None and _may_rate(request, case)
    return render(
        request,
        "feedback/case.html",
        {
            "case": case,
            "events": events,
            "answered": answered,
            "photos": list(case.photos.all()) if answered else [],
            "rating": rated,
            "may_rate": may_rate,
            "citizen_key": request.GET.get("k", ""),
            "rating_form": RatingForm(),
            "abuse_form": AbuseForm(),
            "language": active_language(),
            "on_time": case.answered_at is not None and case.answered_at <= case.handle_due,
        },
    )


@require_POST
def case_rate(request: HttpRequest, code: str) -> HttpResponse:
    case = _public_case_or_404(code)
    url = reverse("feedback:case", args=[case.tracking_code])
    if not _may_rate(request, case):
        messages.error(request, _("Only the person who sent the report can rate the answer."))
        return redirect(url)
    form = RatingForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose satisfied or unsatisfied."))
        return redirect(url)
    try:
        rate_limit_hit(limit=REACT_IP, who=ip_key(client_ip(request)))
        feedback_rate(
            case=case,
            value=form.cleaned_data["value"],
            comment=form.cleaned_data["comment"],
            actor=request.user,  # an anonymous visitor is recorded as "anonymous"
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Thank you: your rating was recorded."))
    return redirect(url)


@require_POST
def case_abuse(request: HttpRequest, code: str) -> HttpResponse:
    case = _public_case_or_404(code)
    form = AbuseForm(request.POST)
    url = reverse("feedback:case", args=[case.tracking_code])
    if not form.is_valid():
        messages.error(request, _("Choose a reason."))
        return redirect(url)
    who = ip_key(client_ip(request))
    reporter = f"user:{request.user.pk}" if request.user.is_authenticated else f"ip:{who}"
    try:
        rate_limit_hit(limit=REACT_IP, who=who)
        abuse_report_create(
            case=case,
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
            reporter_key=reporter,
            actor=request.user,  # an anonymous visitor is recorded as "anonymous"
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Thank you: a moderator will look at this case."))
    return redirect(url if not case.hidden else reverse("feedback:home"))


@require_GET
def track(request: HttpRequest) -> HttpResponse:
    code = request.GET.get("code", "").strip().upper()
    if code and selectors.public_case(code) is not None:
        return redirect("feedback:case", code=code)
    messages.error(request, _("No public case has this tracking code."))
    return redirect("feedback:home")


@require_GET
def units(request: HttpRequest) -> HttpResponse:
    """Transparency: share answered on time per unit, and the 766 feedback indicators."""
    year = _year(request)
    start, end = _year_bounds(year)
    return render(
        request,
        "feedback/units.html",
        {
            "year": year,
            "years": list(range(timezone.localdate().year, 2023, -1)),
            "shares": selectors.unit_on_time_shares(start=start, end=end),
            "indicators": feedback_indicators(start=start, end=end),
            "language": active_language(),
        },
    )


@require_GET
def photo(request: HttpRequest, pk: int) -> FileResponse:
    """A case photo: public once the answer is published and the case is not hidden; always
    for the people who handle the case. Stored outside the web root."""
    stored = CasePhoto.objects.select_related("case").filter(pk=pk).first()
    if stored is None:
        raise Http404
    case = stored.case
    public = not case.hidden and case.status in (CaseStatus.PUBLISHED, CaseStatus.CLOSED)
    if not public and not can_view_case(request.user, case):
        raise Http404
    response = FileResponse(stored.file.open("rb"), content_type=stored.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "private, max-age=3600"
    return response
