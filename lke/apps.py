from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LkeConfig(AppConfig):
    name = "lke"
    label = "lke"
    verbose_name = _("LKE ZI dan PortalRB")

    def ready(self) -> None:
        from . import stored  # noqa: F401 - connects the stored scores' receivers
