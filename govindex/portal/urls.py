from django.urls import URLPattern, URLResolver, path

from govindex.portal import views

app_name = "portal"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.ranking, name="ranking"),
    path("heatmap/", views.heatmap, name="heatmap"),
    path("trends/", views.city_trends, name="city_trend"),
    path("rounds/<int:round_id>/units/<str:unit_code>/", views.unit_scorecard, name="scorecard"),
    path(
        "rounds/<int:round_id>/units/<str:unit_code>/criteria/<str:node_id>/",
        views.criterion,
        name="criterion",
    ),
    path("units/<str:unit_code>/trend/", views.unit_trends, name="unit_trend"),
]
