"""Citizen pages and staff screens at ``/feedback/``."""

from django.urls import URLPattern, path

from govindex.feedback import staff_views, views

app_name = "feedback"

urlpatterns: list[URLPattern] = [
    path("", views.home, name="home"),
    path("new/", views.report_new, name="new"),
    path("similar/", views.similar, name="similar"),
    path("track/", views.track, name="track"),
    path("units/", views.units, name="units"),
    path("c/<str:code>/", views.case_page, name="case"),
    path("c/<str:code>/rate/", views.case_rate, name="rate"),
    path("c/<str:code>/abuse/", views.case_abuse, name="abuse"),
    path("photos/<int:pk>/", views.photo, name="photo"),
    path("staff/", staff_views.queue, name="staff-queue"),
    path("staff/c/<str:code>/", staff_views.case_detail, name="staff-case"),
    path("staff/c/<str:code>/act/", staff_views.case_act, name="staff-act"),
    path("staff/push-avoid/", staff_views.push_avoid, name="staff-push-avoid"),
    path("staff/moderation/", staff_views.moderation, name="staff-moderation"),
]
