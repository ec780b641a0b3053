from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "zi_portal.core"
    label = "core"
    verbose_name = "Inti"
