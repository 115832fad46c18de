"""Pages of the assessment cycle: rounds, a unit's self-assessment, appraisal, survey import.

Every view checks who may do what (``permissions``) and leaves the rules of the round's state to
the services; a refused action comes back as a message on the same page, nothing half-saved.
Criterion forms post with htmx and get their own row back, so the screen saves as you go; they
also work as plain forms without JavaScript.
"""

from govindex.assessments.views.appraisal import appraisal, appraisal_accept, appraisal_save
from govindex.assessments.views.rounds import round_detail, round_move, rounds, survey_import
from govindex.assessments.views.self_assessment import (
    criterion_save,
    evidence_delete,
    evidence_download,
    evidence_upload,
    self_assessment,
    unit_return,
    unit_submit,
)

__all__ = [
    "appraisal",
    "appraisal_accept",
    "appraisal_save",
    "criterion_save",
    "evidence_delete",
    "evidence_download",
    "evidence_upload",
    "round_detail",
    "round_move",
    "rounds",
    "self_assessment",
    "survey_import",
    "unit_return",
    "unit_submit",
]
