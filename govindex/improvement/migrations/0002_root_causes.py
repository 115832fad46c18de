"""Seed the configurable list of root causes (``govindex/improvement/root_causes.py``);
administrators may add, rename or retire causes later in the admin. Rows already present are
left alone."""

from django.db import migrations


def load(apps, schema_editor):
    from govindex.improvement.root_causes import DEFAULT_ROOT_CAUSES

    RootCause = apps.get_model("improvement", "RootCause")
    for order, (code, name_vi, name_en, name_id) in enumerate(DEFAULT_ROOT_CAUSES, start=1):
        RootCause.objects.get_or_create(
            code=code,
            defaults={"name_vi": name_vi, "name_en": name_en, "name_id": name_id, "order": order},
        )


def unload(apps, schema_editor):
    from govindex.improvement.root_causes import DEFAULT_ROOT_CAUSES

    RootCause = apps.get_model("improvement", "RootCause")
    codes = [row[0] for row in DEFAULT_ROOT_CAUSES]
    RootCause.objects.filter(code__in=codes, findings=None).delete()


class Migration(migrations.Migration):
    dependencies = [("improvement", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
