from django.urls import URLPattern, URLResolver, path

from govindex.dossiers import views

app_name = "realtime"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.ranking, name="ranking"),
    path("table/", views.ranking_table, name="ranking_table"),
    path("units/<str:code>/", views.unit_page, name="unit"),
    path("units/<str:code>/live/", views.unit_live, name="unit_live"),
    path("units/<str:code>/dossiers/", views.unit_dossiers, name="unit_dossiers"),
]
