"""gunicorn's configuration for the portal (docker-compose and the image's default
command: ``gunicorn -c python:zi_portal.gunicorn_conf zi_portal.wsgi:application``).

Threaded workers (``gthread``): a request body that arrives slowly (a 50 MB upload over
a 1 Mbit/s office link takes about 7 minutes) occupies one thread, not a whole worker,
and the worker keeps answering gunicorn's watchdog while it waits, so ``timeout`` never
kills an upload that is still arriving. With sync workers three slow uploads took all
three workers and the sign-in page stopped answering (bench/slow_uploads.py measures
both). Every value can be changed through the environment.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
# A worker that stops answering the watchdog for this long is restarted. With threads
# the watchdog is fed while requests wait on the network, so slow uploads are safe.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
# On stop or restart, running requests (an upload, a report download) get this long.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "60"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# Workers are replaced now and then, so that memory a large request took is given back.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "200"))
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
