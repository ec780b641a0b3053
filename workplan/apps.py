from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkplanConfig(AppConfig):
    name = "workplan"
    verbose_name = _("Rencana kerja ZI")

    def ready(self) -> None:
        # Connects the receivers that stamp a plan when its data changes.
        from . import receivers  # noqa: F401
