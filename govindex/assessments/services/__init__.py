"""Every write to rounds, entries and results. Each is one transaction with one audit record."""

from govindex.assessments.services.entries import (
    ENTRY_FIELDS,
    KEEP,
    EntryValues,
    Keep,
    appraisal_problem,
    entry_appraise,
    entry_set,
    entry_set_many,
    entry_set_survey_many,
)
from govindex.assessments.services.evidence import evidence_add, evidence_remove
from govindex.assessments.services.published import published_result_set
from govindex.assessments.services.rounds import (
    BACKWARD,
    FORWARD,
    ROUND_EDITABLE_FIELDS,
    round_add_units,
    round_create,
    round_remove_units,
    round_transition,
    round_update,
)
from govindex.assessments.services.scores import VALUE_RULE, round_compute
from govindex.assessments.services.submissions import (
    entries_accept_matching,
    round_publish,
    roundunit_return,
    roundunit_submit,
)
from govindex.assessments.services.uncertainty import round_uncertainty_compute

__all__ = [
    "BACKWARD",
    "ENTRY_FIELDS",
    "FORWARD",
    "KEEP",
    "ROUND_EDITABLE_FIELDS",
    "VALUE_RULE",
    "EntryValues",
    "Keep",
    "appraisal_problem",
    "entries_accept_matching",
    "entry_appraise",
    "entry_set",
    "entry_set_many",
    "entry_set_survey_many",
    "evidence_add",
    "evidence_remove",
    "published_result_set",
    "round_add_units",
    "round_compute",
    "round_create",
    "round_publish",
    "round_remove_units",
    "round_transition",
    "round_uncertainty_compute",
    "round_update",
    "roundunit_return",
    "roundunit_submit",
]
