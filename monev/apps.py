from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonevConfig(AppConfig):
    name = "monev"
    verbose_name = _("Monitoring dan evaluasi")

    def ready(self) -> None:
        # Connects the receivers of what the evidence app reports.
        from zi_portal.accounts.backends import request_user_annotation

        from . import receivers  # noqa: F401
        from .selectors import UNREAD_ATTRIBUTE, unread_subquery

        # The bell's count, read with the signed-in user (accounts/backends.py).
        request_user_annotation(UNREAD_ATTRIBUTE, unread_subquery)
