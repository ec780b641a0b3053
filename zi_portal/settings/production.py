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
# One cache for every worker (sign-in lockout, API throttle): Redis, the broker's server
# unless ZI_CACHE_URL names another. A per-process or per-container cache would let each
# gunicorn worker count failed sign-ins on its own.
CACHES = {"default": env.cache("ZI_CACHE_URL", default=CELERY_BROKER_URL)}  # noqa: F405
CACHES["default"].setdefault("KEY_PREFIX", "zi")
if "redis" not in CACHES["default"]["BACKEND"].lower():
    raise ImproperlyConfigured("ZI_CACHE_URL must name a Redis cache (redis://…) in production.")
# When Redis is away, the cache falls back to process memory instead of failing every
# sign-in and API call (zi_portal/core/cache.py).
CACHES["default"]["BACKEND"] = "zi_portal.core.cache.ResilientRedisCache"

STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
}
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
# Trust X-Forwarded-Proto only behind a TLS proxy that overwrites it.
ZI_BEHIND_TLS_PROXY = env.bool("ZI_BEHIND_TLS_PROXY", default=False)
if ZI_BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Behind the TLS proxy a request that reached it over plain HTTP is sent to https://;
# without one (the compose demo on http://localhost:8000) there is nowhere to send it.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=ZI_BEHIND_TLS_PROXY)
# HSTS: browsers that reached the portal over HTTPS refuse plain HTTP to it for a year.
# Django sends the header only on HTTPS responses, so a plain-HTTP demo never sends it.
# A first TLS deployment may start lower (SECURE_HSTS_SECONDS=3600) and raise it once
# HTTPS is known to work for every host name. includeSubDomains covers hosts *under*
# the portal's own name only. Preload is off: it asks browsers to hard-code HTTPS for
# the whole registrable domain (go.id), a decision for the domain's owner, not an app.
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
if not SECURE_HSTS_PRELOAD:
    # W021 only says "preload is off", which is the documented choice above.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
# Links to other sites carry no path or query of the portal (item ids, filters); links
# inside the portal keep theirs. The portal opens no cross-origin windows it must talk to.
SECURE_REFERRER_POLICY = env.str("SECURE_REFERRER_POLICY", default="same-origin")
SECURE_CROSS_ORIGIN_OPENER_POLICY = env.str(
    "SECURE_CROSS_ORIGIN_OPENER_POLICY", default="same-origin"
)
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
