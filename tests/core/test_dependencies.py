"""The two lock files agree: every runtime pin is in the dev lock at the same version."""

import re
from pathlib import Path

from django.conf import settings

PIN = re.compile(r"^([A-Za-z0-9_.\-\[\]]+)==([^\s;]+)", re.M)


def pins(name: str) -> dict[str, str]:
    text = (Path(settings.BASE_DIR) / name).read_text(encoding="utf-8")
    return {pkg.lower(): version for pkg, version in PIN.findall(text)}


def test_runtime_pins_are_a_subset_of_dev_pins():
    runtime, dev = pins("requirements.lock"), pins("requirements-dev.lock")
    assert {"django", "celery", "django-allauth", "weasyprint"} <= set(runtime)
    assert {pkg: dev.get(pkg) for pkg in runtime} == runtime
    assert runtime["django"].startswith("5.2.")
    assert {"pytest", "pytest-django", "playwright"} <= set(dev) - set(runtime)
