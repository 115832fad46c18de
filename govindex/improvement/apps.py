from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImprovementConfig(AppConfig):
    name = "govindex.improvement"
    label = "improvement"
    verbose_name = _("Diagnosis and remediation plans")
    default_auto_field = "django.db.models.BigAutoField"
