"""Drill: a rush of people signing in and uploading at once (the morning of a quarter's
deadline).

    .venv/bin/python bench/rush.py --users 150

The production shape natively (bench/stack.py: gunicorn with ``zi_portal.gunicorn_conf``,
a Celery worker and beat, Redis and an SMTP sink of the drill's own, collected static
files) on a PostgreSQL cluster of the drill's own (bench/pgcluster.py). ``--users``
accounts of the demo unit (pokja members of the six areas, Argon2 password hashes) start
together, each from its own office address behind one proxy, and do what a person does
in a browser: open the sign-in page, sign in, land on the home page, open one of their
items and upload a PDF through the page's form (no JavaScript: the plain form post).
Client and server share this machine's cores.

Printed: answers per step (by status, median, p95), requests per second, how long the
rush took, and lost work: every upload answered with the success redirect must be a
version row whose stored file has the SHA-256 of what was sent.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import sys
import threading
import time
from collections import defaultdict
from datetime import date
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.pgcluster import Cluster  # noqa: E402
from bench.stack import Stack, machine, print_table  # noqa: E402

PASSWORD = "zi-demo-2026"

USERS = """
import json
from django.contrib.auth.hashers import make_password
from workplan.models import EvidenceRequirement, Pokja
from zi_portal.accounts.models import User
from zi_portal.accounts.roles import Role
from zi_portal.accounts.services import roles_ensure, user_ensure
groups = roles_ensure()
hashed = make_password("PASSWORD")
ketua = User.objects.get(email="ketua@example.org")
pokjas = list(Pokja.objects.filter(plan__year=2026, plan__unit__code="PUSBANG-APARATUR-KOMDIGI")
              .select_related("area", "plan").order_by("area__order"))
people = []
for n in range(COUNT):
    pokja = pokjas[n % len(pokjas)]
    user, _ = user_ensure(email=f"anggota{n}@example.org", name=f"Anggota {n}", role=Role.MEMBER,
                          unit=pokja.plan.unit, groups=groups, password_hash=hashed)
    pokja.members.get_or_create(user=user, defaults={"added_by": ketua})
    items = list(EvidenceRequirement.objects.filter(cell__quarter__plan=pokja.plan,
                 cell__area=pokja.area).order_by("cell__quarter__number", "order")
                 .values_list("pk", flat=True))
    people.append([user.email, items[n // len(pokjas) % len(items)]])
print("USERS", json.dumps(people))
"""

CHECK = """
import hashlib, json
from evidence.models import EvidenceVersion
rows = {}
for v in EvidenceVersion.objects.filter(uploaded_by__email__startswith="anggota"):
    with v.file.open("rb") as f:
        stored = hashlib.sha256(f.read()).hexdigest()
    rows[v.original_name] = [v.sha256, stored]
print("ROWS", json.dumps(rows))
"""

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def pdf(n: int) -> bytes:
    """A small valid PDF of about 200 KB, different for every person."""
    padding = hashlib.sha256(str(n).encode()).hexdigest() * 3000
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n% "
        + padding.encode()
        + b"\n%%EOF\n"
    )


class Person:
    def __init__(self, base: str, n: int, email: str, item: int, results, lock) -> None:
        self.base, self.n, self.email, self.item = base, n, email, item
        self.results, self.lock = results, lock
        self.session = requests.Session()
        self.session.headers["X-Forwarded-For"] = f"10.30.{n // 250}.{n % 250 + 1}"
        self.sent: tuple[str, str] | None = None

    def step(self, kind: str, method: str, path: str, follow: bool = False, **kwargs):
        began = time.monotonic()
        try:
            response = self.session.request(
                method, self.base + path, timeout=120, allow_redirects=follow, **kwargs
            )
            status = response.status_code
        except requests.RequestException as exc:
            response, status = None, type(exc).__name__
        with self.lock:
            self.results[kind].append((status, time.monotonic() - began, began))
        return response

    def run(self, start: threading.Barrier) -> None:
        start.wait()
        page = self.step("1 sign-in page", "GET", "/akun/login/")
        if page is None or page.status_code != 200:
            return
        token = TOKEN.search(page.text).group(1)
        signed = self.step(
            "2 sign in (POST, Argon2)",
            "POST",
            "/akun/login/",
            data={"csrfmiddlewaretoken": token, "login": self.email, "password": PASSWORD},
            headers={"Referer": self.base + "/akun/login/"},
        )
        if signed is None or signed.status_code != 302:
            return
        self.step("3 home page (and where it leads)", "GET", signed.headers["Location"], True)
        item = self.step("4 item page", "GET", f"/butir/{self.item}/")
        if item is None or item.status_code != 200:
            return
        token = TOKEN.search(item.text).group(1)
        body = pdf(self.n)
        name = f"bukti-rush-{self.n}.pdf"
        self.sent = (name, hashlib.sha256(body).hexdigest())
        self.step(
            "5 upload (form post, 200 KB)",
            "POST",
            f"/butir/{self.item}/unggah/",
            data={"csrfmiddlewaretoken": token, "evidence_date": date.today().isoformat()},
            files={"file": (name, body, "application/pdf")},
            headers={"Referer": f"{self.base}/butir/{self.item}/"},
        )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=150)
    args = parser.parse_args()
    cluster = Cluster()
    cluster.start()
    stack = Stack("rush", database_url=cluster.url, ZI_TRUSTED_PROXY_COUNT="1")
    try:
        stack.setup(static=True)
        code = USERS.replace("COUNT", str(args.users)).replace("PASSWORD", PASSWORD)
        people = stack.shell(code, "USERS")
        stack.start()
        results: dict[str, list] = defaultdict(list)
        lock = threading.Lock()
        persons = [
            Person(stack.url, n, email, item, results, lock)
            for n, (email, item) in enumerate(people)
        ]
        barrier = threading.Barrier(len(persons) + 1)
        threads = [threading.Thread(target=p.run, args=(barrier,)) for p in persons]
        for thread in threads:
            thread.start()
        barrier.wait()
        began = time.monotonic()
        for thread in threads:
            thread.join()
        took = time.monotonic() - began
        rows = stack.shell(CHECK, "ROWS")
        web_alive = stack.web.poll() is None
    finally:
        stack.close()
        cluster.close()
    requests_made = sum(len(r) for r in results.values())
    print(
        f"{args.users} people at once; {machine()}, gunicorn "
        f"{os.environ.get('WEB_CONCURRENCY', '3')} workers × "
        f"{os.environ.get('GUNICORN_THREADS', '8')} threads"
    )
    print_table(dict(sorted(results.items())))
    print(
        f"rush over in {took:.1f} s; {requests_made} requests, "
        f"{requests_made / took:.1f} per second; gunicorn running: {web_alive}"
    )
    sent = [p.sent for p in persons if p.sent]
    stored = sum(1 for name, digest in sent if rows.get(name) == [digest, digest])
    print(
        f"uploads sent: {len(sent)}; stored with the SHA-256 sent (row and file): {stored}; "
        f"lost: {len(sent) - stored}; people who got through all five steps: "
        f"{len(results['5 upload (form post, 200 KB)'])} of {args.users}"
    )


if __name__ == "__main__":
    main()
