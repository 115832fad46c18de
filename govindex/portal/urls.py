from django.urls import URLPattern, URLResolver, path

from govindex.portal import views

app_name = "portal"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.ranking, name="ranking"),
]
