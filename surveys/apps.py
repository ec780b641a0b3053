from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "surveys"
    label = "surveys"
    verbose_name = _("Survei")

    def ready(self) -> None:
        # Imported here because the app registry must be ready before models load.
        from lke import hooks, scoring

        from .lke_values import SOURCE  # the provider imports models: only once ready

        hooks.register(scoring.SURVEY, SOURCE)
