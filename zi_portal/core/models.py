"""Pieces every app shares: the timestamped base model and the worker heartbeat."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class TimeStampedModel(models.Model):
    """Abstract base: when a row was created and last changed."""

    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    class Meta:
        abstract = True


class WorkerHeartbeat(models.Model):
    """The last time a Celery worker ran the heartbeat task that beat schedules.

    One row per worker host name. The status page reads it to tell the Ketua Tim
    whether the worker and beat (which send reminders and build reports) are alive.
    """

    hostname = models.CharField(_("worker"), max_length=255, unique=True)
    last_seen = models.DateTimeField(_("terakhir aktif"))
    beats = models.PositiveBigIntegerField(_("jumlah detak"), default=0)

    class Meta:
        verbose_name = _("detak worker")
        verbose_name_plural = pgettext_lazy("jamak", "detak worker")
        ordering = ["-last_seen"]

    def __str__(self) -> str:
        return self.hostname
