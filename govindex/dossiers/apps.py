from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DossiersConfig(AppConfig):
    name = "govindex.dossiers"
    label = "dossiers"
    verbose_name = _("Dossiers and the real-time service index")
    default_auto_field = "django.db.models.BigAutoField"
