from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "zi_portal.accounts"
    label = "accounts"
    verbose_name = _("Pengguna dan peran")

    def ready(self) -> None:
        # Imported here because models (which the services use) cannot be imported
        # before the app registry is ready.
        from . import units  # noqa: F401 - connects the memberships' receiver
        from .services import roles_ensure

        def _ensure_roles(sender, **kwargs) -> None:
            # Groups need the content types and permissions that migrate has just made.
            if sender.label == "accounts":
                roles_ensure()

        post_migrate.connect(_ensure_roles, dispatch_uid="accounts.roles_ensure")
