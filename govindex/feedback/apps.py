from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "govindex.feedback"
    label = "feedback"
    verbose_name = _("Citizen feedback")

    def ready(self) -> None:
        # 5.2 and 5.3 of the real-time 766 index read the feedback cases; the dossiers app below
        # this one asks its registered sources for them (``dossiers.selectors.SumsSource``).
        from govindex.dossiers.selectors import SumsSource, sums_source_register
        from govindex.feedback.indicators import feedback_sums, feedback_version

        sums_source_register(SumsSource("feedback", feedback_sums, feedback_version))
