"""Load the official civil-service days that the ``holidays`` package lacks
(``govindex/calendars/reference/civil_service_days.csv``) and create the revision row.

Rows already in the table are left alone, so a later migration can call ``load`` again after
new rows are added to the file."""

from django.db import migrations


def load(apps, schema_editor):
    from govindex.calendars.reference import reference_days

    CalendarDay = apps.get_model("calendars", "CalendarDay")
    CalendarRevision = apps.get_model("calendars", "CalendarRevision")
    for row in reference_days():
        CalendarDay.objects.get_or_create(
            day=row.day, defaults={"kind": row.kind, "name": row.name, "note": row.source}
        )
    CalendarRevision.objects.get_or_create(pk=1)


def unload(apps, schema_editor):
    from govindex.calendars.reference import reference_days

    CalendarDay = apps.get_model("calendars", "CalendarDay")
    CalendarDay.objects.filter(day__in=[row.day for row in reference_days()]).delete()


class Migration(migrations.Migration):
    dependencies = [("calendars", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
