"""Staff screens at ``/feedback/staff/``: the queue of a unit's cases, handling a case (accept,
reject, transfer, answer, publish), escalations, push-and-avoid statistics, moderation.

Scoped by membership: unit staff and leaders see their units' cases, city leaders and
administrators every case."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from govindex.errors import ApplicationError
from govindex.feedback import selectors
from govindex.feedback.forms import AnswerForm, ReasonForm, RejectForm, TransferForm
from govindex.feedback.models import AbuseReport, CaseStatus, FeedbackCase
from govindex.feedback.permissions import (
    can_handle,
    can_moderate,
    can_see_city,
    can_use_staff_pages,
    can_view_case,
)
from govindex.feedback.services import abuse_reports_resolve, feedback_transition
from govindex.feedback.transitions import ALLOWED_TRANSITIONS, TRANSFERABLE
from govindex.feedback.views import _year, _year_bounds
from govindex.languages import active_language

S = CaseStatus


def _staff_only(request: HttpRequest) -> None:
    if not can_use_staff_pages(request.user):
        raise PermissionDenied(_("These pages are for the staff of handling units."))


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    status = request.GET.get("status", "")
    if status and status not in S.values:
        status = ""
    escalated = request.GET.get("escalated") == "1"
    cases = selectors.staff_queue(request.user, status=status, escalated=escalated)
    page = Paginator(cases, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "feedback/staff/queue.html",
        {
            "page": page,
            "status": status,
            "escalated": escalated,
            "statuses": S.choices,
            "units": selectors.handling_units_of(request.user),
            "city": can_see_city(request.user),
            "now": timezone.now(),
            "language": active_language(),
        },
    )


def _staff_case(request: HttpRequest, code: str) -> FeedbackCase:
    case = (
        FeedbackCase.objects.select_related("category", "handling_unit", "area", "repeat_of")
        .filter(tracking_code=code.upper())
        .first()
    )
    if case is None or not can_view_case(request.user, case):
        raise Http404
    return case


@login_required
@require_GET
def case_detail(request: HttpRequest, code: str) -> HttpResponse:
    _staff_only(request)
    case = _staff_case(request, code)
    allowed = ALLOWED_TRANSITIONS[case.status] if can_handle(request.user, case) else frozenset()
    duplicates: list[Any] = []
    if case.lat is not None and case.lon is not None:
        duplicates = [
            (other, distance)
            for other, distance in selectors.similar_cases(
                category=case.category, lat=case.lat, lon=case.lon, now=case.received_at
            )
            if other.pk != case.pk
        ]
    return render(
        request,
        "feedback/staff/case.html",
        {
            "case": case,
            "events": case.events.select_related("unit").order_by("at", "pk"),
            "transfers": case.transfers.select_related("from_unit", "to_unit").order_by("at"),
            "escalations": case.escalations.order_by("at"),
            "photos": case.photos.all(),
            "ratings": case.ratings.order_by("round"),
            "duplicates": duplicates,
            "can_accept": S.ACCEPTED in allowed,
            "can_reject": S.REJECTED in allowed,
            "can_start": S.IN_PROGRESS in allowed and case.status == S.ACCEPTED,
            "can_answer": S.ANSWERED in allowed,
            "can_publish": S.PUBLISHED in allowed,
            "can_return": S.IN_PROGRESS in allowed and case.status == S.ANSWERED,
            "can_transfer": can_handle(request.user, case) and case.status in TRANSFERABLE,
            "reject_form": RejectForm(),
            "transfer_form": TransferForm(),
            "answer_form": AnswerForm(initial={"answer": case.answer}),
            "reason_form": ReasonForm(),
            "now": timezone.now(),
            "language": active_language(),
        },
    )


#: Staff action → (target state, form class or None).
ACTIONS: dict[str, tuple[str, Any]] = {
    "accept": (S.ACCEPTED, None),
    "reject": (S.REJECTED, RejectForm),
    "start": (S.IN_PROGRESS, None),
    "answer": (S.ANSWERED, AnswerForm),
    "publish": (S.PUBLISHED, None),
    "return": (S.IN_PROGRESS, ReasonForm),
    "transfer": (S.RECEIVED, TransferForm),
    "close": (S.CLOSED, None),
}


@login_required
@require_POST
def case_act(request: HttpRequest, code: str) -> HttpResponse:
    _staff_only(request)
    case = _staff_case(request, code)
    if not can_handle(request.user, case):
        raise PermissionDenied(_("Only the handling unit's staff can act on this case."))
    action = request.POST.get("action", "")
    if action not in ACTIONS:
        messages.error(request, _("Unknown action."))
        return redirect("feedback:staff-case", code=case.tracking_code)
    to, form_class = ACTIONS[action]
    data: dict[str, Any] = {}
    if form_class is not None:
        form = form_class(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect("feedback:staff-case", code=case.tracking_code)
        data = dict(form.cleaned_data)
    try:
        feedback_transition(case=case, to=to, actor=request.user, **data)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Case %(code)s is now %(status)s.")
            % {"code": case.tracking_code, "status": S(to).label},
        )
        if action == "transfer":
            return redirect("feedback:staff-queue")
    return redirect("feedback:staff-case", code=case.tracking_code)


@login_required
@require_GET
def push_avoid(request: HttpRequest) -> HttpResponse:
    """For the city: flagged cases, per-unit transfer statistics, the pairs that bounce most,
    transfer and rejection reasons."""
    if not can_see_city(request.user):
        raise PermissionDenied(_("These statistics are for the city's leaders."))
    year = _year(request)
    start, end = _year_bounds(year)
    window = {"start": start, "end": end}
    return render(
        request,
        "feedback/staff/push_avoid.html",
        {
            "year": year,
            "years": list(range(timezone.localdate().year, 2023, -1)),
            "flagged": selectors.flagged_cases(request.user).filter(
                received_at__gte=start, received_at__lt=end
            )[:50],
            "flagged_count": selectors.flagged_cases(request.user)
            .filter(received_at__gte=start, received_at__lt=end)
            .count(),
            "pairs": selectors.bouncing_pairs(**window, limit=15),
            "stats": selectors.unit_transfer_stats(**window)[:30],
            "transfer_reasons": selectors.transfer_reason_counts(**window)[:20],
            "rejection_reasons": selectors.rejection_reason_counts(**window)[:20],
            "language": active_language(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def moderation(request: HttpRequest) -> HttpResponse:
    if not can_moderate(request.user):
        raise PermissionDenied(_("Moderation is for the city's administrators."))
    if request.method == "POST":
        case = FeedbackCase.objects.filter(tracking_code=request.POST.get("code", "")).first()
        if case is None:
            raise Http404
        upheld = request.POST.get("decision") == "uphold"
        abuse_reports_resolve(
            case=case, upheld=upheld, actor=request.user, reason=request.POST.get("reason", "")
        )
        messages.success(
            request,
            _("Case %(code)s is hidden from the public.") % {"code": case.tracking_code}
            if upheld
            else _("Case %(code)s is public again.") % {"code": case.tracking_code},
        )
        return redirect("feedback:staff-moderation")
    pending = (
        AbuseReport.objects.filter(resolved_at__isnull=True)
        .select_related("case", "case__category")
        .order_by("case_id", "at")
    )
    by_case: dict[int, dict[str, Any]] = {}
    for report in pending[:500]:
        entry = by_case.setdefault(report.case_id, {"case": report.case, "reports": []})
        entry["reports"].append(report)
    return render(
        request,
        "feedback/staff/moderation.html",
        {"cases": list(by_case.values()), "since": timezone.now() - timedelta(days=30)},
    )
