"""What the criterion pages (self-assessment, appraisal) share: the language, messages, the round and unit a URL names,
and the row each screen shows for one criterion."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from govindex.assessments import permissions
from govindex.assessments.frameworks import round_framework
from govindex.assessments.models import Entry, Evidence, Round, RoundUnit
from govindex.errors import ApplicationError
from govindex.languages import active_language
from govindex.orgs.models import Unit
from govindex.scoring import Framework, Node
from govindex.scoring.framework import Source


def problem_text(error: ApplicationError | ValidationError) -> str:
    if isinstance(error, ApplicationError):
        return error.message
    return " ".join(error.messages)


def form_errors(form: Any) -> str:
    """The form's messages as plain text (``str()`` of an error list is an HTML list)."""
    return " ".join(str(message) for messages in form.errors.values() for message in messages)


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def visible_round(request: HttpRequest, round_id: int) -> Round:
    return get_object_or_404(permissions.visible_rounds(request.user), pk=round_id)


def round_unit_of(round: Round, code: str) -> RoundUnit:
    return get_object_or_404(
        RoundUnit.objects.select_related("unit", "round", "submitted_by"),
        round=round,
        unit__code=code,
    )


@dataclass(frozen=True)
class CriterionRow:
    """What the screens show of one criterion for one unit: the self-assessment screen uses
    ``done``, the appraisal screen ``status``."""

    node: Node
    path: list[str]
    entry: Entry | None
    files: list[Evidence]
    form: Any
    error: str = ""
    saved: bool = False

    @property
    def done(self) -> bool:
        return self.entry is not None and (
            self.entry.self_value is not None or self.entry.not_applicable
        )

    @property
    def status(self) -> str:
        entry = self.entry
        if self.node.source is Source.SURVEY:
            return "survey"
        if entry is None or not self.done:
            return "empty"
        if entry.not_applicable:
            return "not_applicable"
        if entry.appraised_value is None:
            return "pending"
        return "accepted" if entry.appraised_value == entry.self_value else "adjusted"


def path_names(framework: Framework, node: Node, language: str) -> list[str]:
    ids = framework.path(node.id)[2:-1]  # below the area, above the leaf
    return [framework.node(node_id).name(language) for node_id in ids]


def unit_entries(round: Round, unit: Unit) -> dict[str, Entry]:
    entries = Entry.objects.filter(round=round, unit=unit).prefetch_related("files")
    return {entry.leaf_id: entry for entry in entries}


def leaves_for(framework: Framework, unit: Unit) -> list[Node]:
    applicable = framework.leaf_applicability(unit.kind)
    return [leaf for leaf, applies in zip(framework.leaves, applicable, strict=True) if applies]


def unit_link_for_viewer(request: HttpRequest, round_id: int, code: str) -> RoundUnit:
    round = visible_round(request, round_id)
    link = round_unit_of(round, code)
    if not permissions.can_view_unit_entries(request.user, link.unit):
        raise PermissionDenied
    return link


def criterion_row(
    link: RoundUnit,
    node: Node,
    *,
    entry: Entry | None,
    form_for: Callable[[Node, Entry | None], Any],
    **overrides: Any,
) -> CriterionRow:
    framework = round_framework(link.round, check_version=False)
    values: dict[str, Any] = {
        "node": node,
        "path": path_names(framework, node, active_language()),
        "entry": entry,
        "files": list(entry.files.all()) if entry else [],
        "form": form_for(node, entry),
    }
    values.update(overrides)
    return CriterionRow(**values)


def fresh_criterion_row(
    link: RoundUnit, node: Node, form_for: Callable[[Node, Entry | None], Any], **overrides: Any
) -> CriterionRow:
    """The row of one criterion as stored now (after a save)."""
    entry = (
        Entry.objects.filter(round=link.round, unit=link.unit, leaf_id=node.id)
        .prefetch_related("files")
        .first()
    )
    return criterion_row(link, node, entry=entry, form_for=form_for, **overrides)


def leaf_of(round: Round, unit: Unit, leaf_id: str) -> Node:
    framework = round_framework(round, check_version=False)
    if leaf_id not in framework.node_index or not framework.node(leaf_id).is_leaf:
        raise Http404
    node = framework.node(leaf_id)
    if node not in leaves_for(framework, unit):
        raise Http404
    return node


#: The answer to a save: the criterion's status and the progress bar, nothing the clerk types in.
