"""Top-level URLs: the public portal at the root, the admin, language switching, the API."""

from django.contrib import admin
from django.urls import include, path

from govindex.api.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", api.urls),
    path("", include("govindex.portal.urls")),
]
