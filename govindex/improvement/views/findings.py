"""Recording why a criterion was not achieved: the root cause, the responsible unit and person.

The form is a page of its own (works without JavaScript: it posts and goes back to where it was
opened from); opened with htmx from a criterion row of the diagnosis, it replaces that row's
actions, posts in place and answers with the row's actions as they now stand.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from govindex.assessments.views.criterion_pages import is_htmx, leaf_of
from govindex.errors import ApplicationError
from govindex.improvement import permissions
from govindex.improvement.forms import FindingForm, plan_people
from govindex.improvement.models import Finding
from govindex.improvement.selectors import active_root_causes, tasks_by_leaf
from govindex.improvement.services import finding_record
from govindex.improvement.views.plans import plan_link
from govindex.languages import active_language
from govindex.orgs.models import Unit

#: Criterion statuses of the diagnosis (``row.status`` in ``criterion_actions.html``).
STATUSES = frozenset({"achieved", "partly", "not_achieved", "not_applicable", "missing"})


@dataclass(frozen=True)
class CriterionRef:
    """What ``criterion_actions.html`` needs of a diagnosis row."""

    leaf_id: str
    status: str


def _back_url(request: HttpRequest, round_id: int, code: str, leaf_id: str) -> str:
    """Where the form returns: ``next`` if it is on this site, else the unit's diagnosis (or its
    plan while there is no diagnosis page)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    try:
        url = reverse("improvement:diagnosis", args=[round_id, code])
    except NoReverseMatch:
        url = reverse("improvement:plan", args=[round_id, code])
    return f"{url}#criterion-{leaf_id}"


def _form(finding: Finding | None, unit: Unit, data: Any = None) -> FindingForm:
    initial: dict[str, Any] = {"responsible_unit": unit.pk}
    if finding is not None:
        initial = {
            "root_cause": finding.root_cause_id,
            "cause_text": finding.cause_text,
            "responsible_unit": finding.responsible_unit_id,
            "person": finding.responsible_person_id,
            "person_name": finding.responsible_person_name,
        }
    return FindingForm(
        data,
        initial=initial,
        causes=active_root_causes(),
        units=Unit.objects.order_by("kind", "code"),
        people=plan_people([unit], keep=finding.responsible_person if finding else None),
    )


@login_required
def finding_edit(request: HttpRequest, round_id: int, code: str, leaf_id: str) -> HttpResponse:
    """Record or correct the cause of one criterion not (fully) achieved."""
    link = plan_link(request, round_id, code)
    round, unit = link.round, link.unit
    if not permissions.can_edit_plan(request.user, unit):
        raise PermissionDenied
    node = leaf_of(round, unit, leaf_id)
    finding = (
        Finding.objects.select_related("root_cause", "responsible_unit", "responsible_person")
        .filter(round=round, unit=unit, leaf_id=leaf_id)
        .first()
    )
    status = request.POST.get("status") or request.GET.get("status") or "not_achieved"
    status = status if status in STATUSES else "not_achieved"
    form = _form(finding, unit, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            finding = finding_record(
                round=round,
                unit=unit,
                leaf_id=leaf_id,
                root_cause=data["root_cause"],
                cause_text=data["cause_text"],
                responsible_unit=data["responsible_unit"],
                responsible_person=data["person"],
                responsible_person_name=data["person_name"],
                actor=request.user,
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            if is_htmx(request):
                return render(
                    request,
                    "improvement/includes/criterion_actions.html",
                    {
                        "row": CriterionRef(leaf_id=leaf_id, status=status),
                        "finding": finding,
                        "tasks": tasks_by_leaf(round, unit).get(leaf_id, []),
                        "round": round,
                        "unit": unit,
                        "saved": True,
                        "actions_next": request.POST.get("next", ""),
                    },
                )
            messages.success(
                request, _("The cause of criterion %(leaf)s is recorded.") % {"leaf": leaf_id}
            )
            return redirect(_back_url(request, round_id, code, leaf_id))
    context = {
        "round": round,
        "unit": unit,
        "node": node,
        "criterion_name": node.name(active_language()),
        "finding": finding,
        "form": form,
        "status": status,
        "next": request.POST.get("next") or request.GET.get("next") or "",
        "back_url": _back_url(request, round_id, code, leaf_id),
        # Opened in a criterion's row (htmx): it posts in place and answers with the row.
        "inline": is_htmx(request),
    }
    template = "improvement/finding_form.html" if is_htmx(request) else "improvement/finding.html"
    # htmx swaps only 2xx answers by default: a refused form still shows its messages in place.
    code_ = 400 if form.errors and not is_htmx(request) else 200
    return render(request, template, context, status=code_)
