from django.apps import AppConfig


class CalendarsConfig(AppConfig):
    name = "govindex.calendars"
    label = "calendars"
