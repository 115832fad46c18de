"""Entries: the values of a leaf for a unit, one at a time, appraised, or imported in bulk."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from govindex.assessments.formatting import points_text
from govindex.assessments.frameworks import round_framework, value_ceiling
from govindex.assessments.models import Entry, Round, RoundState, RoundUnit
from govindex.assessments.services.states import (
    DATA_ENTRY_STATES,
    EDITABLE_STATES,
    require_round_state,
    require_unsubmitted,
)
from govindex.audit.services import Actor, audit_record
from govindex.errors import ApplicationError
from govindex.languages import active_language
from govindex.orgs.models import Unit
from govindex.scoring import Framework
from govindex.scoring.framework import Source


class Keep(Enum):
    """Marks a keyword argument left out: the stored value stays as it is."""

    KEEP = "keep"


KEEP = Keep.KEEP

#: What the unit itself enters (only while the round is open and the unit has not submitted).
SELF_FIELDS = frozenset({"self_value", "not_applicable", "comment", "evidence"})

ENTRY_FIELDS = (
    "self_value",
    "appraised_value",
    "survey_value",
    "data_value",
    "not_applicable",
    "survey_answers",
    "comment",
    "appraisal_reason",
    "evidence",
)


def _require_round_units(round: Round, units: Iterable[Unit]) -> None:
    wanted = {unit.pk: unit.code for unit in units}
    present = set(
        RoundUnit.objects.filter(round=round, unit__in=list(wanted)).values_list("unit", flat=True)
    )
    missing = sorted(code for pk, code in wanted.items() if pk not in present)
    if missing:
        raise ApplicationError(
            f"Not units of round {round.name!r}: {', '.join(missing)}. "
            "Add them to the round first.",
            code="unit_not_in_round",
        )


def _entry_state(entry: Entry, fields: Iterable[str]) -> dict[str, Any]:
    return {name: getattr(entry, name) for name in fields}


@transaction.atomic
def entry_set(
    *,
    round: Round,
    unit: Unit,
    leaf_id: str,
    actor: Actor,
    self_value: float | Keep | None = KEEP,
    survey_value: float | Keep | None = KEEP,
    data_value: float | Keep | None = KEEP,
    not_applicable: bool | Keep = KEEP,
    survey_answers: list[int] | Keep | None = KEEP,
    comment: str | Keep = KEEP,
    evidence: list[Any] | Keep = KEEP,
    reason: str = "",
) -> Entry:
    """Create or change the entry of one leaf for one unit; arguments left out keep their
    stored value. The leaf must belong to the round's framework, the unit to the round.
    The appraisal is recorded only by ``entry_appraise``.

    The unit's own fields change only while the round is open and the unit has not submitted;
    survey and system-data values until appraisal ends."""
    _require_round_units(round, [unit])
    round = Round.objects.select_for_update().get(pk=round.pk)
    require_round_state(round, EDITABLE_STATES, doing=_("change an entry"))
    given = {
        "self_value": self_value,
        "survey_value": survey_value,
        "data_value": data_value,
        "not_applicable": not_applicable,
        "survey_answers": survey_answers,
        "comment": comment,
        "evidence": evidence,
    }
    entry = (
        Entry.objects.select_for_update().filter(round=round, unit=unit, leaf_id=leaf_id).first()
    )
    created = entry is None
    if entry is None:
        entry = Entry(round=round, unit=unit, leaf_id=leaf_id)
    entry.round, entry.unit = round, unit
    changes = {
        name: value
        for name, value in given.items()
        if value is not KEEP and (created or getattr(entry, name) != value)
    }
    if changes.keys() & SELF_FIELDS:
        require_round_state(round, {RoundState.OPEN}, doing=_("change a self-assessment"))
        require_unsubmitted(
            RoundUnit.objects.select_related("round", "unit").get(round=round, unit=unit),
            doing=_("change it"),
        )
    if changes.keys() - SELF_FIELDS:
        require_round_state(round, DATA_ENTRY_STATES, doing=_("enter survey or system data"))
    if not changes and not created:
        return entry
    before = None if created else _entry_state(entry, changes)
    for name, value in changes.items():
        setattr(entry, name, value)
    entry.full_clean(exclude=["round", "unit"], validate_unique=False, validate_constraints=False)
    entry.save()
    audit_record(
        actor=actor,
        action="entry.set",
        target=entry,
        before=before,
        after={"unit": unit.code, "leaf_id": leaf_id, **_entry_state(entry, changes)},
        reason=reason,
    )
    return entry


def appraisal_problem(
    framework: Framework, entry: Entry, *, appraised_value: float | None, reason: str
) -> tuple[str, str] | None:
    """``(code, message)`` if ``appraised_value`` may not be recorded on ``entry``: only
    self-assessed leaves are appraised, and a score that differs from the unit's needs a reason."""
    if appraised_value is None:
        return None
    known = entry.leaf_id in framework.node_index
    leaf = framework.node(entry.leaf_id) if known else None
    if leaf is not None and leaf.source is not Source.SELF_ASSESSED:
        return (
            "leaf_not_appraisable",
            f"Leaf {entry.leaf_id!r} is scored from {leaf.source}; only self-assessed leaves "
            "are appraised.",
        )
    if appraised_value != entry.self_value and not reason.strip():
        claimed = _("no value") if entry.self_value is None else points_text(entry.self_value)
        name = leaf.name(active_language()) if leaf is not None else entry.leaf_id
        return (
            "reason_required",
            _(
                "“%(criterion)s” of %(unit)s: give the reason for scoring %(appraised)s instead "
                "of the self-assessed %(claimed)s."
            )
            % {
                "criterion": name,
                "unit": entry.unit.code,
                "appraised": points_text(appraised_value),
                "claimed": claimed,
            },
        )
    return None


@transaction.atomic
def entry_appraise(
    *, entry: Entry, appraised_value: float | None, reason: str, actor: Actor
) -> Entry:
    """The appraiser's score for a self-assessed leaf; a score that differs from the unit's own
    needs a reason. ``None`` withdraws the appraisal (the self-assessed value counts again)."""
    entry = Entry.objects.select_for_update().select_related("round", "unit").get(pk=entry.pk)
    require_round_state(entry.round, {RoundState.UNDER_APPRAISAL}, doing=_("appraise a score"))
    framework = round_framework(entry.round, check_version=False)
    problem = appraisal_problem(framework, entry, appraised_value=appraised_value, reason=reason)
    if problem is not None:
        raise ApplicationError(problem[1], code=problem[0])
    before = _entry_state(entry, ["appraised_value", "appraisal_reason"])
    entry.appraised_value = appraised_value
    entry.appraisal_reason = reason.strip()
    entry.full_clean(exclude=["round", "unit"], validate_unique=False, validate_constraints=False)
    entry.save(update_fields=["appraised_value", "appraisal_reason", "updated_at"])
    audit_record(
        actor=actor,
        action="entry.appraise",
        target=entry,
        before=before,
        after=_entry_state(entry, ["appraised_value", "appraisal_reason"]),
        reason=reason,
    )
    return entry


@dataclass(frozen=True)
class EntryValues:
    """One row for ``entry_set_many``: the whole entry of one leaf for one unit."""

    unit: Unit
    leaf_id: str
    self_value: float | None = None
    appraised_value: float | None = None
    survey_value: float | None = None
    data_value: float | None = None
    not_applicable: bool = False
    survey_answers: list[int] | None = None
    comment: str = ""
    appraisal_reason: str = ""
    evidence: list[Any] = field(default_factory=list)


@transaction.atomic
def entry_set_many(
    *, round: Round, rows: Sequence[EntryValues], actor: Actor, reason: str = ""
) -> int:
    """Write many entries at once (an import): each row replaces the whole entry of its leaf,
    appraisal included (under the rules of ``entry_appraise``). Every row is checked first; any
    problem refuses the lot, listing each by unit and leaf. Imports stop once a round is appraised;
    while it is open for self-assessment they cannot carry appraised values."""
    round = Round.objects.select_for_update().get(pk=round.pk)
    require_round_state(round, DATA_ENTRY_STATES, doing=_("import entries"))
    if round.state in (RoundState.DRAFT, RoundState.OPEN) and any(
        row.appraised_value is not None for row in rows
    ):
        raise ApplicationError(
            f"Round {round.name!r} is {RoundState(round.state).label}: appraised values can be "
            "imported only once it is under appraisal.",
            code="round_state",
            status=409,
        )
    _require_round_units(round, {row.unit.pk: row.unit for row in rows}.values())
    framework = round_framework(round, check_version=False)
    problems: list[str] = []
    entries = []
    seen: set[tuple[int, str]] = set()
    for row in rows:
        key = (row.unit.pk, row.leaf_id)
        if key in seen:
            problems.append(f"{row.unit.code} / {row.leaf_id}: given twice.")
            continue
        seen.add(key)
        entry = Entry(round=round, unit=row.unit, leaf_id=row.leaf_id)
        for name in ENTRY_FIELDS:
            setattr(entry, name, getattr(row, name))
        try:
            entry.full_clean(
                exclude=["round", "unit"], validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            problems.extend(f"{row.unit.code} / {row.leaf_id}: {m}" for m in error.messages)
        else:
            problem = appraisal_problem(
                framework, entry, appraised_value=row.appraised_value, reason=row.appraisal_reason
            )
            if problem is not None:
                problems.append(f"{row.unit.code} / {row.leaf_id}: {problem[1]}")
        entries.append(entry)
    if problems:
        raise ValidationError(problems)
    Entry.objects.bulk_create(
        entries,
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["round", "unit", "leaf_id"],
        update_fields=[*ENTRY_FIELDS, "updated_at"],
    )
    audit_record(
        actor=actor,
        action="entry.import",
        target=round,
        after={
            "entries": len(entries),
            "units": len({row.unit.pk for row in rows}),
            "leaves": len({row.leaf_id for row in rows}),
        },
        reason=reason,
    )
    return len(entries)


@transaction.atomic
def entry_set_survey_many(
    *, round: Round, values: Mapping[tuple[Unit, str], float | None], actor: Actor, source: str
) -> int:
    """Store survey points (an import of survey results): only ``survey_value`` changes, on
    survey criteria, for units of the round. Everything is checked first; one problem refuses
    the lot. Returns the number of values stored (importing the same file again stores the same
    values and changes nothing else)."""
    round = Round.objects.select_for_update().get(pk=round.pk)
    require_round_state(round, DATA_ENTRY_STATES, doing=_("enter survey results"))
    framework = round_framework(round, check_version=False)
    _require_round_units(round, {unit.pk: unit for unit, _ in values}.values())
    problems = []
    for (unit, leaf_id), value in values.items():
        node = framework.node(leaf_id) if leaf_id in framework.node_index else None
        where = {"unit": unit.code, "leaf": leaf_id}
        if node is None or not node.is_leaf or node.source is not Source.SURVEY:
            problems.append(
                _("%(unit)s / %(leaf)s: not a survey criterion of %(framework)s.")
                % {**where, "framework": framework.id}
            )
        elif value is not None and value < 0:
            problems.append(
                _("%(unit)s / %(leaf)s: %(value)s is negative.")
                % {**where, "value": points_text(value)}
            )
        elif value is not None and value > (value_ceiling(node) or math.inf):
            problems.append(
                _("%(unit)s / %(leaf)s: %(value)s is above the maximum of %(maximum)s.")
                % {
                    **where,
                    "value": points_text(value),
                    "maximum": points_text(value_ceiling(node)),
                }
            )
    if problems:
        raise ValidationError(problems)
    Entry.objects.bulk_create(
        [
            Entry(round=round, unit=unit, leaf_id=leaf_id, survey_value=value)
            for (unit, leaf_id), value in values.items()
        ],
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["round", "unit", "leaf_id"],
        update_fields=["survey_value", "updated_at"],
    )
    audit_record(
        actor=actor,
        action="entry.survey_import",
        target=round,
        after={
            "values": len(values),
            "units": len({unit.pk for unit, _ in values}),
            "source": source,
        },
    )
    return len(values)
