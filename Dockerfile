# ZI Portal – one image for web (gunicorn), worker and beat (celery) and the migrate job.
#
#   docker build -t zi-portal .
#   DJANGO_SECRET_KEY=... docker-compose up       (see docker-compose.yml)
#
# Every setting comes from the environment at run time (zi_portal/settings/production.py);
# nothing secret is baked into the image.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH

# Run-time libraries of WeasyPrint (Pango/HarfBuzz/Fontconfig, loaded through cffi) and one
# font family. libharfbuzz-subset0 is what WeasyPrint uses to subset embedded fonts; without it
# it falls back to fontTools and warns that the library will become required.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz0b \
        libharfbuzz-subset0 \
        libfontconfig1 \
        fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

# Unprivileged run-time user with a fixed uid (works with runAsNonRoot and volume ownership).
RUN groupadd --system --gid 10001 zi \
    && useradd --system --uid 10001 --gid zi --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin zi

# Dependencies first, so that a code change does not reinstall them.
COPY requirements.lock /tmp/requirements.lock
RUN python -m venv "$VIRTUAL_ENV" \
    && pip install -r /tmp/requirements.lock \
    && rm /tmp/requirements.lock

WORKDIR /app
# The code stays owned by root (read-only for the app user); only var/ is writable.
COPY . /app

# XDG_CACHE_HOME: fontconfig (WeasyPrint) wants a writable cache; the code folder is not.
ENV DJANGO_SETTINGS_MODULE=zi_portal.settings.production \
    ZI_VAR_DIR=/app/var \
    STATIC_ROOT=/app/staticfiles \
    XDG_CACHE_HOME=/tmp/.cache

# Static files are collected (hashed and compressed by whitenoise) into the image, outside
# var/, so a volume mounted on var/ cannot hide them. The key and hosts below exist for this
# one RUN line only and never reach the image's environment; ZI_VAR_DIR points at a scratch
# folder so the settings module's mkdir side effects do not leave root-owned dirs in var/.
RUN DJANGO_SECRET_KEY=build-only-collectstatic-not-a-secret-0000 \
    ALLOWED_HOSTS=localhost \
    ZI_VAR_DIR=/tmp/zi-build-var \
    python manage.py collectstatic --noinput \
    && rm -rf /tmp/zi-build-var \
    && mkdir -p /app/var/celery /app/var/media \
    && chown -R zi:zi /app/var

USER 10001:10001
EXPOSE 8000

CMD ["gunicorn", "-c", "python:zi_portal.gunicorn_conf", "zi_portal.wsgi:application"]
