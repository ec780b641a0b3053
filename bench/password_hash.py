"""What one sign-in's password check costs: Django's PBKDF2 default against the portal's
Argon2id (OWASP parameters, zi_portal/accounts/hashers.py).

    .venv/bin/python bench/password_hash.py --runs 30

Prints median and p95 wall time (ms) of ``check_password`` per hasher, and the CPU time.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zi_portal.settings.local")

import django  # noqa: E402

django.setup()

from django.contrib.auth.hashers import check_password, make_password  # noqa: E402

from bench.stats import percentile  # noqa: E402

HASHERS = {
    "PBKDF2-SHA256 (Django's default, 1,000,000 iterations)": "pbkdf2_sha256",
    "Argon2id m=19 MiB t=2 p=1 (the portal)": "argon2",
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    print(f"{args.runs} checks each, {os.cpu_count()} cores")
    print("| hasher | median ms | p95 ms | CPU ms per check |")
    print("| --- | ---: | ---: | ---: |")
    for label, name in HASHERS.items():
        encoded = make_password("zi-demo-2026", hasher=name)
        check_password("zi-demo-2026", encoded)  # warm up
        walls, cpu_start = [], time.process_time()
        for _ in range(args.runs):
            start = time.perf_counter()
            assert check_password("zi-demo-2026", encoded)
            walls.append((time.perf_counter() - start) * 1000)
        cpu = (time.process_time() - cpu_start) * 1000 / args.runs
        median, p95 = percentile(walls, 0.5), percentile(walls, 0.95)
        print(f"| {label} | {median:.0f} | {p95:.0f} | {cpu:.0f} |")


if __name__ == "__main__":
    main()
