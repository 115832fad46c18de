"""Diagnosis, what-if, findings and plans of a unit in a round; the city plan; reports.

Each part of the app adds its own routes below its heading; keep them grouped.
"""

from django.urls import URLPattern, path

app_name = "improvement"

unit = "<int:round_id>/units/<str:code>/"

urlpatterns: list[URLPattern] = [
    # diagnosis and what-if (views/diagnosis.py, views/whatif.py)
    # findings and plans (views/findings.py, views/plans.py)
    # reports (views/reports.py)
]
