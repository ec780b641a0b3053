"""What the public form needs to keep a survey honest without signing anyone in.

- **One response per device per survey**: a signed, long-lived cookie holds a random
  device id; the server keeps only a keyed digest of it per survey
  (``Response.device_digest``, unique per survey), so a second submission from the same
  browser is recognised and refused kindly, and a race between two tabs is decided by
  the database.
- **Rate limit per address** through the shared cache: past ``flag_after`` responses an
  hour from one address, further ones are stored but flagged; past ``refuse_after``
  they are refused (HTTP 429). Offices share one address behind their router, hence the
  generous defaults (settings ``ZI_SURVEY_FLAG_AFTER`` and ``ZI_SURVEY_REFUSE_AFTER``).
- **A honeypot field** people never see and robots fill: such a response is flagged.
- **A time-to-complete floor**: the form carries its signed start time; a response sent
  sooner than ``ZI_SURVEY_MIN_SECONDS`` after it (or without a valid one) is flagged.

Flagged responses are stored and shown to the Ketua, who admits or excludes them; only
digests of the device and address are kept, never the address itself."""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.crypto import salted_hmac

from zi_portal.core.audit import client_ip

from .choices import FlagReason
from .models import Survey

DEVICE_COOKIE = "zi_survei_perangkat"
DEVICE_SALT = "surveys.device"
DEVICE_MAX_AGE = 2 * 365 * 24 * 3600
START_SALT = "surveys.started"
HONEYPOT = "situs_web"  # a name robots like to fill
RATE_WINDOW = 3600


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def min_seconds() -> int:
    return _setting("ZI_SURVEY_MIN_SECONDS", 15)


def device_id(request: HttpRequest) -> tuple[str, bool]:
    """The device id of the signed cookie, or a new one (True when new)."""
    value = request.get_signed_cookie(DEVICE_COOKIE, default=None, salt=DEVICE_SALT)
    if value and len(value) <= 64:
        return value, False
    return secrets.token_urlsafe(18), True


def set_device_cookie(response: HttpResponse, device: str) -> HttpResponse:
    response.set_signed_cookie(
        DEVICE_COOKIE,
        device,
        salt=DEVICE_SALT,
        max_age=DEVICE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


def device_digest(survey: Survey, device: str) -> str:
    return salted_hmac(DEVICE_SALT, f"{survey.pk}:{device}").hexdigest()


def address_digest(request: HttpRequest) -> str:
    return salted_hmac("surveys.address", client_ip(request) or "-").hexdigest()


def start_stamp(survey: Survey) -> str:
    """The signed start time the form carries."""
    return signing.dumps({"s": survey.pk, "t": time.time()}, salt=START_SALT, compress=False)


def too_fast(survey: Survey, stamp: str) -> bool:
    """Was the form sent sooner than the floor after it was shown (or without a valid
    start time of this survey)?"""
    try:
        data = signing.loads(stamp or "", salt=START_SALT, max_age=7 * 24 * 3600)
    except signing.BadSignature:
        return True
    if not isinstance(data, dict) or data.get("s") != survey.pk:
        return True
    return time.time() - float(data.get("t", 0)) < min_seconds()


@dataclass(frozen=True)
class Rate:
    count: int
    refused: bool
    flagged: bool


def rate_count(survey: Survey, address: str) -> Rate:
    """Count one more submission from ``address`` this hour (the shared cache)."""
    key = f"zi:survei:alamat:{survey.pk}:{address}"
    cache.add(key, 0, RATE_WINDOW)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, RATE_WINDOW)
        count = 1
    return Rate(
        count=count,
        refused=count > _setting("ZI_SURVEY_REFUSE_AFTER", 300),
        flagged=count > _setting("ZI_SURVEY_FLAG_AFTER", 60),
    )


def flag_for(*, honeypot: str, fast: bool, rate: Rate) -> str:
    """The reason to keep a response apart ("" when there is none), the strongest first."""
    if honeypot.strip():
        return FlagReason.HONEYPOT
    if fast:
        return FlagReason.TOO_FAST
    if rate.flagged:
        return FlagReason.RATE_LIMIT
    return ""


class InlineCss:
    """A stylesheet served inside the page (the public form loads in one request) and
    the hash the Content-Security-Policy allows it by (no 'unsafe-inline')."""

    def __init__(self, *names: str) -> None:
        folder = Path(settings.BASE_DIR) / "templates" / "surveys" / "public"
        self.text = {n: (folder / f"{n}.css").read_text(encoding="utf-8") for n in names}
        self.hashes = " ".join(
            f"'sha256-{base64.b64encode(hashlib.sha256(t.encode()).digest()).decode()}'"
            for t in self.text.values()
        )

    def style_src(self) -> str:
        return f"'self' {self.hashes}"
