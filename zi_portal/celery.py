"""The Celery application shared by the web process, the worker and beat.

Broker and schedule come from Django settings (``CELERY_`` prefix): Redis when
``CELERY_BROKER_URL`` is set, Celery's filesystem transport otherwise, so a laptop
runs a real worker and beat without any service installed.
"""

import os

from celery import Celery

from zi_portal import brokerfix

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zi_portal.settings.local")

app = Celery("zi_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
brokerfix.install()
