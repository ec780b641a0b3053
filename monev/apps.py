from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonevConfig(AppConfig):
    name = "monev"
    verbose_name = _("Monitoring dan evaluasi")

    def ready(self) -> None:
        # Connects the receivers of what the evidence app reports.
        from . import receivers  # noqa: F401
