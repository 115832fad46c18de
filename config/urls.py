"""Top-level URLs: the public portal at the root, the admin, language switching, the API."""

from django.contrib import admin
from django.urls import include, path

from govindex.api.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("assessments/", include("govindex.assessments.urls")),
    path("api/", api.urls),
    path("open311/", include("govindex.feedback.open311_urls")),
    path("feedback/", include("govindex.feedback.urls")),
    path("realtime/", include("govindex.dossiers.urls")),
    path("improvement/", include("govindex.improvement.urls")),
    path("", include("govindex.portal.urls")),
]
