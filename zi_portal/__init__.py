"""ZI Portal project package: settings, URLs, the Celery app, accounts and shared pieces."""

from .celery import app as celery_app

__all__ = ("celery_app",)
