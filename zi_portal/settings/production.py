"""A server: no embedded secret, no debug, hosts must be named.

Refuses to start (ImproperlyConfigured) rather than run with a default key or
with DEBUG on.
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env

SECRET_KEY = env.str("DJANGO_SECRET_KEY")  # no default: fails loudly when missing
# The laptop defaults (SQLite in the container, a per-container filesystem broker that no
# other container reads, console e-mail) would fail silently on a server: name them.
for _name in ("DATABASE_URL", "CELERY_BROKER_URL", "EMAIL_URL", "ZI_SITE_URL"):
    if not env.str(_name, default=""):
        raise ImproperlyConfigured(f"{_name} must be set for production settings.")
if CELERY_BROKER_URL.startswith("filesystem://"):  # noqa: F405
    raise ImproperlyConfigured("CELERY_BROKER_URL must name a shared broker (Redis) in production.")
if len(SECRET_KEY) < 32:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be at least 32 characters long.")
if env.bool("DEBUG", default=False):
    raise ImproperlyConfigured("DEBUG must be off in production settings.")
DEBUG = False
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")

STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
}
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
# Trust X-Forwarded-Proto only behind a TLS proxy that overwrites it.
if env.bool("ZI_BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
