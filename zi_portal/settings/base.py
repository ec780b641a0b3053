"""Settings shared by every environment.

Everything that differs between a laptop, CI and production is read from the
environment (django-environ) with a safe embedded default, so ``make run`` needs
nothing but Python: SQLite, local media, console e-mail and Celery's filesystem
broker. ``production.py`` removes the defaults that must never reach a server.
"""

import contextlib
from pathlib import Path

import environ
from celery.schedules import crontab

from zi_portal.core.logs import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(environ.Env().str("ZI_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()
env_file = BASE_DIR / ".env"
if env_file.exists():
    environ.Env.read_env(str(env_file))

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
CSRF_FAILURE_VIEW = "zi_portal.core.views.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "storages",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "zi_portal.core",
    "zi_portal.accounts",
    "workplan",
    "evidence",
    "findings",
    "monev",
    *("lke", "surveys"),  # surveys sit beside the LKE they feed
    "search",
    "ministry",
    "evaluation",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below WhiteNoise: static files keep their own caching; everything else gets its
    # Cache-Control and Content-Security-Policy by what it is (core/headers.py).
    "zi_portal.core.headers.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "zi_portal.core.middleware.PortalLocaleMiddleware",
    # NUL and non-UTF-8 input: 400 in the person's language (core/badinput.py).
    "zi_portal.core.badinput.BadInputMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "zi_portal.accounts.mfa.MfaRequiredMiddleware",
]

ROOT_URLCONF = "zi_portal.urls"
WSGI_APPLICATION = "zi_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "zi_portal.core.context_processors.portal",
                "zi_portal.accounts.context_processors.navigation",
                "workplan.context_processors.menu_plan",
                "monev.context_processors.notifications",
            ],
        },
    }
]

# --- Database: SQLite file by default, PostgreSQL when DATABASE_URL says so ---------
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Random reads priced as on SSD with the data cached (the default 4 is for spinning
    # disks; it made small joins hash every user: BENCHMARKS.md, "Pages at 1,000 units").
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c random_page_cost=1.1")
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent writers wait up to 20 s for the write lock, not fail (bench/slow_uploads.py).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Users and sign-in (django-allauth, e-mail only, no self sign-up) --------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "zi_portal.accounts.backends.ModelBackend",
    "zi_portal.accounts.backends.AuthenticationBackend",
]
SESSION_ENGINE = "zi_portal.core.sessions"  # the database's, read without the ORM's build
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_ADAPTER = "zi_portal.accounts.adapters.NoSignupAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}
# Two-step sign-in (allauth MFA, TOTP with recovery codes) on /akun/2fa/, required of the
# ZI_MFA_REQUIRED_ROLES and staff, sent to set it up first (accounts/mfa.py); off with
# ZI_MFA_REQUIRED=false (the demo of `make run`).
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env.str("ZI_PORTAL_NAME", default="ZI Portal")
ZI_MFA_REQUIRED = env.bool("ZI_MFA_REQUIRED", default=True)
ZI_MFA_REQUIRED_ROLES = env.list("ZI_MFA_REQUIRED_ROLES", default=["ketua", "tpi", "admin"])
# Argon2id at OWASP's parameters (16 ms of CPU a sign-in instead of PBKDF2's 176 ms);
# PBKDF2 hashes still verify and are upgraded on the next sign-in (accounts/hashers.py).
PASSWORD_HASHERS = [
    "zi_portal.accounts.hashers.PortalArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Language, time zone, formats ---------------------------------------------------
LANGUAGE_CODE = env.str("LANGUAGE_CODE", default="id")
LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]  # each in its own language
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Jakarta")
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["zi_portal.core.formats"]

# --- Static files (served by the app itself: no CDN on an intranet) ------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "staticfiles")))

# --- Media: local folder by default, S3-compatible bucket when configured ------------
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    from zi_portal.core.storage import s3_storage

    DEFAULT_STORAGE = s3_storage(
        bucket=AWS_STORAGE_BUCKET_NAME,
        endpoint_url=env.str("AWS_S3_ENDPOINT_URL", default=""),
        access_key=env.str("AWS_ACCESS_KEY_ID", default=""),
        secret_key=env.str("AWS_SECRET_ACCESS_KEY", default=""),
        region_name=env.str("AWS_S3_REGION_NAME", default=""),
        querystring_expire=env.int("AWS_QUERYSTRING_EXPIRE", default=300),
    )
else:
    from zi_portal.core.storage import local_storage

    # Files appear whole or not at all (written aside, then linked: core/storage.py).
    DEFAULT_STORAGE = local_storage(MEDIA_ROOT)
STORAGES = {
    "default": DEFAULT_STORAGE,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- E-mail: console by default, SMTP (or anything django-environ knows) by URL ------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="ZI Portal <zi-portal@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Celery: Redis when CELERY_BROKER_URL is set, the filesystem transport otherwise -
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "celery" / "broker"
    (_broker_dir / "processed").mkdir(parents=True, exist_ok=True)
    (_broker_dir / "control").mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir),
        "data_folder_out": str(_broker_dir),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
else:
    # Short socket timeouts: with Redis away, a hand-over fails in about a second (the
    # outbox keeps the task) instead of hanging the request that saved the work.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": 3600,
        "socket_connect_timeout": 3,
        "socket_timeout": 15,
        "retry_on_timeout": True,
    }
CELERY_BROKER_CONNECTION_TIMEOUT = 3
# A worker never gives up reconnecting to the broker (the default stops after 100).
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.3,
    "interval_max": 0.5,
}
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="") or None
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=300)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=360)
CELERY_TASK_ALWAYS_EAGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celery" / "beat-schedule")
ZI_HEARTBEAT_SECONDS = env.float("ZI_HEARTBEAT_SECONDS", default=60.0)
# The reminder sweep runs daily at this time (Asia/Jakarta unless TIME_ZONE says otherwise).
ZI_REMINDER_HOUR = env.int("ZI_REMINDER_HOUR", default=7)
ZI_REMINDER_MINUTE = env.int("ZI_REMINDER_MINUTE", default=0)
# Defaults for a plan's reminder policy (editable per plan in the admin).
ZI_REMINDER_UPCOMING_DAYS = env.list("ZI_REMINDER_UPCOMING_DAYS", cast=int, default=[14, 3])
# Seconds a report build waits before starting (0 in production; tests use it to kill a
# worker in the middle of a build).
ZI_REPORT_BUILD_DELAY = env.float("ZI_REPORT_BUILD_DELAY", default=0.0)
# Revision requests made within this many minutes reach the uploader as one e-mail.
ZI_REVISION_BATCH_MINUTES = env.int("ZI_REVISION_BATCH_MINUTES", default=15)
# The outbox (zi_portal.core.outbox): how often beat has it sent, when a task the broker
# took but no worker ran is sent again, how often at most, and how long a process that
# saw the broker down leaves sending to the flush.
# A task that meets a database restart tries again for this long (core/dbretry.py).
ZI_TASK_DATABASE_WAIT_SECONDS = env.float("ZI_TASK_DATABASE_WAIT_SECONDS", default=60.0)
ZI_OUTBOX_FLUSH_SECONDS = env.float("ZI_OUTBOX_FLUSH_SECONDS", default=20.0)
ZI_OUTBOX_REDELIVER_MINUTES = env.float("ZI_OUTBOX_REDELIVER_MINUTES", default=15.0)
ZI_OUTBOX_MAX_SENDS = env.int("ZI_OUTBOX_MAX_SENDS", default=6)
ZI_OUTBOX_BACKOFF_SECONDS = env.float("ZI_OUTBOX_BACKOFF_SECONDS", default=15.0)
# Storage reconciliation (core/reconcile.py): a stored file no row names is an orphan
# only once it is older than this (an upload stores its file just before its row).
ZI_STORAGE_GRACE_MINUTES = env.int("ZI_STORAGE_GRACE_MINUTES", default=60)
# The status page warns when the media disk has less free space than this share.
ZI_STORAGE_LOW_PERCENT = env.float("ZI_STORAGE_LOW_PERCENT", default=10.0)
# A report build beats every ZI_BUILD_HEARTBEAT_SECONDS; one silent for
# ZI_BUILD_STALE_SECONDS is failed by the reaper, which runs every
# ZI_REPORT_REAP_SECONDS: a dead build is noticed within a minute. A report still queued
# after ZI_REPORT_QUEUE_MINUTES although the broker took it was picked up by no worker.
ZI_BUILD_HEARTBEAT_SECONDS = env.float("ZI_BUILD_HEARTBEAT_SECONDS", default=10.0)
ZI_BUILD_STALE_SECONDS = env.float("ZI_BUILD_STALE_SECONDS", default=40.0)
ZI_REPORT_REAP_SECONDS = env.float("ZI_REPORT_REAP_SECONDS", default=15.0)
ZI_REPORT_QUEUE_MINUTES = env.float("ZI_REPORT_QUEUE_MINUTES", default=30.0)
CELERY_BEAT_SCHEDULE = {
    "reminder-sweep": {
        "task": "monev.tasks.reminder_sweep",
        "schedule": crontab(hour=ZI_REMINDER_HOUR, minute=ZI_REMINDER_MINUTE),
    },
    # Hourly; sends on a month's first working day only, once per PIC (monev/monthly.py).
    "realisation-reminders": {
        "task": "monev.tasks.realisation_reminders",
        "schedule": crontab(minute=ZI_REMINDER_MINUTE),
    },
    # Hourly; 30, 14 and 3 days before the PMPZI deadline, once per person and unit.
    "pmpzi-reminders": {
        "task": "monev.tasks.pmpzi_reminders",
        "schedule": crontab(minute=ZI_REMINDER_MINUTE),
    },
    # If beat could not hand over the daily sweep (broker away at 07:00), the next
    # catch-up after the broker returns runs it.
    "reminder-catch-up": {
        "task": "monev.tasks.reminder_catch_up",
        "schedule": 600.0,
        "options": {"expires": 600.0},
    },
    # Messages a killed send left claimed but unsent (monev.services.messages_rescue).
    "rescue-messages": {
        "task": "monev.tasks.rescue_messages",
        "schedule": 300.0,
        "options": {"expires": 300.0},
    },
    "reap-reports": {
        "task": "monev.tasks.reap_reports",
        "schedule": ZI_REPORT_REAP_SECONDS,
        "options": {"expires": ZI_REPORT_REAP_SECONDS},
    },
    "outbox-flush": {
        "task": "zi_portal.core.tasks.outbox_flush",
        "schedule": ZI_OUTBOX_FLUSH_SECONDS,
        "options": {"expires": ZI_OUTBOX_FLUSH_SECONDS},
    },
    "outbox-prune": {
        "task": "zi_portal.core.tasks.outbox_prune",
        "schedule": crontab(hour=2, minute=45),
    },
    "storage-check": {
        "task": "zi_portal.core.tasks.storage_check",
        "schedule": crontab(hour=3, minute=15),
    },
    "prune-portalrb-log": {
        "task": "lke.tasks.prune_portalrb_log",
        "schedule": crontab(hour=2, minute=30),
    },
    "worker-heartbeat": {
        "task": "zi_portal.core.tasks.heartbeat",
        "schedule": ZI_HEARTBEAT_SECONDS,
        "options": {"expires": ZI_HEARTBEAT_SECONDS},
    },
}

# --- ZI programme defaults: the plan's grace days, uploads, archives, surveys ---------
from .programme import *  # noqa: E402, F403

# Uploads always stream to a temporary file on disk and stop at ZI_EVIDENCE_MAX_BYTES.
FILE_UPLOAD_HANDLERS = ["evidence.uploads.LimitedTemporaryFileUploadHandler"]
# Uploads are received into this folder. For a local media folder it lies inside it
# (hidden, never listed), so a checked upload becomes its stored file by a hard link,
# with no second copy, even when media is a volume of its own. Upload temporary files
# a killed process left behind are removed by the storage reconciliation (beat, daily).
FILE_UPLOAD_TEMP_DIR = env.str("FILE_UPLOAD_TEMP_DIR", default="") or str(
    VAR_DIR / "tmp" / "uploads" if AWS_STORAGE_BUCKET_NAME else MEDIA_ROOT / ".incoming"
)
with contextlib.suppress(OSError):  # a read-only filesystem (an image build)
    Path(FILE_UPLOAD_TEMP_DIR).mkdir(parents=True, exist_ok=True)
# Address of the client (core.audit.client_ip: sign-in lockout, API throttle, audit
# trail): REMOTE_ADDR, or behind ZI_TRUSTED_PROXY_COUNT proxies that each append to
# X-Forwarded-For, the hop the outermost one appended (the right-most one the client
# cannot forge). ZI_TRUST_X_FORWARDED_FOR=true, the older setting, means one proxy.
ZI_TRUST_X_FORWARDED_FOR = env.bool("ZI_TRUST_X_FORWARDED_FOR", default=False)
ZI_TRUSTED_PROXY_COUNT = env.int(
    "ZI_TRUSTED_PROXY_COUNT", default=1 if ZI_TRUST_X_FORWARDED_FOR else 0
)
ALLAUTH_TRUSTED_PROXY_COUNT = ZI_TRUSTED_PROXY_COUNT

# --- Cache: shared by every process, so that sign-in limits, the API throttle and the
# lockout count once across gunicorn workers. A folder in var/ on a laptop; Redis on a
# server (production.py requires one).
CACHES = {"default": env.cache("ZI_CACHE_URL", default=f"filecache://{VAR_DIR / 'cache'}")}
CACHES["default"].setdefault("KEY_PREFIX", "zi")

# --- API (Django REST Framework, OpenAPI via drf-spectacular, assets served locally) --
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an anonymous call then gets 401 with "WWW-Authenticate: Token".
        "zi_portal.accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "zi_portal.core.api.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"token": env.str("ZI_TOKEN_RATE", default="10/min")},
    # The throttles key on zi_portal.core.audit.client_ip (core/throttling.py), never on
    # DRF's own reading of X-Forwarded-For.
    "DEFAULT_PAGINATION_CLASS": None,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "ZI Portal API",
    "DESCRIPTION": "Evidence of the Zona Integritas work plan: requirements, versions, reviews.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}
ZI_PORTAL_NAME = env.str("ZI_PORTAL_NAME", default="ZI Portal")
# Days an API token (POST /api/v1/auth/token/, or the person's page /akun/token/) is valid.
ZI_API_TOKEN_DAYS = env.int("ZI_API_TOKEN_DAYS", default=90)
# Calls PortalRB may make per token per minute (429 above it).
ZI_PORTALRB_RATE_PER_MINUTE = env.int("ZI_PORTALRB_RATE_PER_MINUTE", default=60)
# Days the PortalRB access log is kept (beat prunes it nightly).
ZI_PORTALRB_LOG_DAYS = env.int("ZI_PORTALRB_LOG_DAYS", default=365)
ZI_SITE_URL = env.str("ZI_SITE_URL", default="http://127.0.0.1:8000")

# Each line once; a 403/404/400 is one WARNING line, a 500 keeps its traceback.
LOGGING = logging_config(env.str("LOG_LEVEL", default="INFO"))
