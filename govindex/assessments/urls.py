from django.urls import URLPattern, path

from govindex.assessments import views

app_name = "assessments"

unit = "<int:round_id>/units/<str:code>/"

urlpatterns: list[URLPattern] = [
    path("", views.rounds, name="rounds"),
    path("<int:round_id>/", views.round_detail, name="round"),
    path("<int:round_id>/move/", views.round_move, name="round_move"),
    path("<int:round_id>/survey/", views.survey_import, name="survey_import"),
    path(unit, views.self_assessment, name="self_assessment"),
    path(f"{unit}criteria/<str:leaf_id>/", views.criterion_save, name="criterion_save"),
    path(f"{unit}criteria/<str:leaf_id>/evidence/", views.evidence_upload, name="evidence_upload"),
    path(f"{unit}submit/", views.unit_submit, name="unit_submit"),
    path(f"{unit}return/", views.unit_return, name="unit_return"),
    path(f"{unit}appraisal/", views.appraisal, name="appraisal"),
    path(f"{unit}appraisal/accept/", views.appraisal_accept, name="appraisal_accept"),
    path(f"{unit}appraisal/<str:leaf_id>/", views.appraisal_save, name="appraisal_save"),
    path("evidence/<int:evidence_id>/", views.evidence_download, name="evidence_download"),
    path("evidence/<int:evidence_id>/remove/", views.evidence_delete, name="evidence_remove"),
]
