"""Open311 GeoReport v2, mounted at ``/open311/``: the discovery document beside the v2 endpoint."""

from django.urls import URLPattern, path, re_path
from django.views.generic import RedirectView

from govindex.feedback import open311

app_name = "open311"

FMT = r"(?P<fmt>json|xml)"

urlpatterns: list[URLPattern] = [
    re_path(rf"^discovery\.{FMT}$", open311.discovery, name="discovery"),
    path(
        "v2/",
        RedirectView.as_view(pattern_name="open311:discovery", permanent=False),
        {"fmt": "xml"},
        name="root",
    ),
    re_path(rf"^v2/discovery\.{FMT}$", open311.discovery, name="discovery-v2"),
    re_path(rf"^v2/services\.{FMT}$", open311.services, name="services"),
    re_path(rf"^v2/services/(?P<code>[-\w]+)\.{FMT}$", open311.service, name="service"),
    re_path(rf"^v2/requests\.{FMT}$", open311.requests, name="requests"),
    re_path(
        rf"^v2/requests/(?P<request_id>[-\w]+)\.{FMT}$", open311.request_detail, name="request"
    ),
    re_path(rf"^v2/tokens/(?P<token_id>[-\w]+)\.{FMT}$", open311.token, name="token"),
    re_path(r"^(?P<rest>.*)$", open311.not_found, name="not-found"),
]
