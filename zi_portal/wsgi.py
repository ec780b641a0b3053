"""WSGI entry point (gunicorn zi_portal.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zi_portal.settings.production")

application = get_wsgi_application()
