from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvidenceConfig(AppConfig):
    name = "evidence"
    verbose_name = _("Bukti dukung")

    def ready(self) -> None:
        # Connects the receivers that stamp a plan when its evidence changes.
        from . import receivers  # noqa: F401
