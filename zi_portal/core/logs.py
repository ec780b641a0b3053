"""One log line per request problem.

Django logs a refused or missing page (``django.request``, ``django.security.*``) with
the exception's traceback, which says nothing a 403 or 404 needs and buries the lines
that matter; runserver then logs the same request again as an access line. The filter
here turns a 4xx record into a single WARNING line, ``404 GET /path user=7: Not Found``,
without traceback, and lets through only the first record of each request (a suspicious
request is logged by ``django.security.<kind>`` and then again as "Bad Request"). A 5xx
keeps its record and traceback, once. runserver's access lines for 4xx/5xx are dropped:
the line above already says it.

Imported by the settings, before the apps are loaded: standard library only.
"""

from __future__ import annotations

import contextlib
import logging

ONE_LINE = "_zi_one_line"
LOGGED = "_zi_problem_logged"


def _clean(text: str) -> str:
    """A path or reason on one line (a path may hold encoded line breaks)."""
    return text.replace("\r", "\\r").replace("\n", "\\n")


def _user_id(request) -> str:
    user = getattr(request, "user", None)
    try:
        return str(user.pk) if user is not None and user.is_authenticated else "-"
    except Exception:  # noqa: BLE001 - a log line must never fail the request
        return "?"


def _reason(record: logging.LogRecord, path: str) -> str:
    """What Django said (``Not Found``, ``Forbidden (Permission denied)``, ``Invalid
    HTTP_HOST header ...``) without the path it appends, and the refusal's own text."""
    message = record.getMessage()
    if message.endswith(f": {path}"):
        message = message[: -len(path) - 2]
    exc = record.exc_info[1] if record.exc_info else None
    detail = str(exc) if exc is not None else ""
    if detail and detail not in message:
        message = f"{message}: {detail}"
    return _clean(message)


def is_request_record(record: logging.LogRecord) -> bool:
    return record.name == "django.request" or record.name.startswith("django.security.")


class RequestProblems(logging.Filter):
    """On the ``django.request`` logger (before any handler, so every handler sees the
    one line) and on the console handler (for ``django.security.*``, whose loggers
    are many, and runserver's access lines)."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if record.name == "django.server":
            return not (isinstance(status, int) and status >= 400)
        if not is_request_record(record) or not isinstance(status, int) or status >= 500:
            return True
        if getattr(record, ONE_LINE, False):
            return True  # rewritten on its logger already
        request = getattr(record, "request", None)
        if request is not None and getattr(request, LOGGED, False):
            return False
        method = getattr(request, "method", "-") or "-"
        path = _clean(getattr(request, "path", "") or "")
        reason = _reason(record, path)
        record.msg = "%s %s %s user=%s: %s"
        record.args = (status, method, path, _user_id(request), reason)
        record.levelno, record.levelname = logging.WARNING, "WARNING"
        record.exc_info = None
        record.exc_text = None
        record.stack_info = None
        setattr(record, ONE_LINE, True)
        if request is not None:
            with contextlib.suppress(AttributeError):
                setattr(request, LOGGED, True)
        return True


def logging_config(level: str) -> dict:
    """The ``LOGGING`` setting: every line once, on the root's console. Django's own
    handlers on ``django`` and ``django.server`` are replaced (they printed each problem
    a second time, above the root's line); ``RequestProblems`` keeps 4xx to one line."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_problems": {"()": RequestProblems}},
        "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "plain",
                "filters": ["request_problems"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "django": {"handlers": [], "level": "INFO", "propagate": True},
            "django.server": {"handlers": [], "level": "INFO", "propagate": True},
            "django.request": {"filters": ["request_problems"]},
            "django.db.backends": {"level": "WARNING"},
            "weasyprint": {"level": "WARNING"},
            "fontTools": {"level": "WARNING"},
        },
    }
