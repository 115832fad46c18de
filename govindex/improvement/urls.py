"""Diagnosis, what-if, findings and plans of a unit in a round; the city plan; reports.

Each part of the app adds its own routes below its heading; keep them grouped.
"""

from django.urls import URLPattern, path

from govindex.improvement.views import diagnosis, findings, plans, reports, whatif

app_name = "improvement"

unit = "<int:round_id>/units/<str:code>/"

urlpatterns: list[URLPattern] = [
    # diagnosis and what-if (views/diagnosis.py, views/whatif.py)
    path(f"{unit}diagnosis/", diagnosis.diagnosis, name="diagnosis"),
    path(f"{unit}what-if/", whatif.what_if, name="what_if"),
    path("official-indices/", diagnosis.official_indices, name="city_diagnosis"),
    # findings and plans (views/findings.py, views/plans.py)
    path(f"{unit}criteria/<str:leaf_id>/cause/", findings.finding_edit, name="finding_edit"),
    path(f"{unit}plan/", plans.plan, name="plan"),
    path(f"{unit}plan/tasks/", plans.task_add, name="task_add"),
    path(f"{unit}plan/tasks/<int:task_id>/", plans.task_edit, name="task_edit"),
    path(f"{unit}plan/tasks/<int:task_id>/approve/", plans.task_approve_view, name="task_approve"),
    path(f"{unit}plan/tasks/<int:task_id>/progress/", plans.task_progress, name="task_progress"),
    path(f"{unit}plan/tasks/<int:task_id>/status/", plans.task_status, name="task_status"),
    path(
        f"{unit}plan/tasks/<int:task_id>/milestones/",
        plans.milestone_add_view,
        name="milestone_add",
    ),
    path(
        f"{unit}plan/milestones/<int:milestone_id>/done/",
        plans.milestone_done,
        name="milestone_done",
    ),
    path(f"{unit}plan/export.<str:fmt>", plans.plan_download, name="plan_export"),
    path(f"{unit}plan/import/", plans.plan_upload, name="plan_import"),
    path("city-plan/", plans.city_plan_latest, name="city_plan_latest"),
    path("<int:round_id>/city-plan/", plans.city_plan, name="city_plan"),
    path("<int:round_id>/city-plan/leads/", plans.lead_assign, name="lead_assign"),
    # reports (views/reports.py)
    path(f"{unit}report/", reports.unit_report_view, name="unit_report"),
    path("<int:round_id>/report/", reports.city_report_view, name="city_report"),
]
