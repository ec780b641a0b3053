"""A server: no embedded secret, no debug, hosts must be named.

Refuses to start (ImproperlyConfigured) rather than run with a default key or
with DEBUG on.
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env

SECRET_KEY = env.str("DJANGO_SECRET_KEY")  # no default: fails loudly when missing
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
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
