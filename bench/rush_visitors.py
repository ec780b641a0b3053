"""The people of the mixed rush (bench/rush_mixed.py): each a thread with a browser
session of their own and their office's address behind the proxy, signing in once and
then clicking, with a think time, until the run is over. What they are answered goes to
the ``Run`` they share, with what they uploaded and approved for the lost-work check."""

from __future__ import annotations

import hashlib
import random
import re
import threading
import time
from abc import ABC, abstractmethod
from collections import defaultdict
from datetime import date

import requests

from bench import rush

# What each request is answered when it goes right.
EXPECTED = {
    "sign-in page": 200,
    "sign in (POST, Argon2)": 302,
    "home page (after sign-in)": 200,
    "Tugas saya": 200,
    "item page": 200,
    "upload (API, 200 KB)": 201,
    "dashboard (Kepala)": 200,
    "review queue": 200,
    "approve (queue form post)": 302,
}
ITEM_LINK = re.compile(r'href="/butir/(\d+)/')
PICKABLE = re.compile(r'name="versions" value="(\d+)"')


class Visitor(ABC):
    """One person in a browser: a session of their own, their office's address."""

    def __init__(self, run: Run, n: int, email: str) -> None:
        self.run, self.n, self.email = run, n, email
        self.random = random.Random(n)
        self.session = requests.Session()
        self.session.headers["X-Forwarded-For"] = f"10.30.{n // 250}.{n % 250 + 1}"

    def step(self, kind: str, method: str, path: str, **kwargs):
        began = time.monotonic()
        try:
            response = self.session.request(
                method, self.run.base + path, timeout=120, allow_redirects=False, **kwargs
            )
            status = response.status_code
        except requests.RequestException as exc:
            response, status = None, type(exc).__name__
        self.run.record(kind, status, time.monotonic() - began, began)
        return response if status == EXPECTED[kind] else None

    def think(self) -> None:
        low, high = self.run.think
        time.sleep(max(0.0, min(self.random.uniform(low, high), self.run.end - time.monotonic())))

    def more(self) -> bool:
        return time.monotonic() < self.run.end

    def sign_in(self) -> bool:
        page = self.step("sign-in page", "GET", "/akun/login/")
        if page is None:
            return False
        token = rush.TOKEN.search(page.text).group(1)
        signed = self.step(
            "sign in (POST, Argon2)",
            "POST",
            "/akun/login/",
            data={"csrfmiddlewaretoken": token, "login": self.email, "password": rush.PASSWORD},
            headers={"Referer": self.run.base + "/akun/login/"},
        )
        if signed is None:
            return False
        home = self.step("home page (after sign-in)", "GET", signed.headers["Location"])
        return home is not None

    def __call__(self, start: threading.Barrier, delay: float) -> None:
        start.wait()
        time.sleep(delay)
        if self.sign_in():
            while self.more():
                self.think()
                if self.more():
                    self.loop()

    @abstractmethod
    def loop(self) -> None:
        """One round of this kind of person's clicks (each subclass says which)."""


class Pic(Visitor):
    def __init__(self, run: Run, n: int, email: str, items: list[int]) -> None:
        super().__init__(run, n, email)
        self.items = items
        self.sent = 0

    def loop(self) -> None:
        tasks = self.step("Tugas saya", "GET", "/tugas/")
        links = [int(pk) for pk in ITEM_LINK.findall(tasks.text)] if tasks is not None else []
        pk = self.random.choice(links or self.items)
        self.think()
        item = self.step("item page", "GET", f"/butir/{pk}/")
        if item is None or not self.more():
            return
        self.think()  # choosing the file
        self.sent += 1
        body = rush.pdf(self.n * 100_000 + self.sent)
        name = f"rush-{self.n}-{self.sent}.pdf"
        answer = self.step(
            "upload (API, 200 KB)",
            "POST",
            f"/api/v1/requirements/{pk}/evidence/",
            data={"evidence_date": date.today().isoformat()},
            files={"file": (name, body, "application/pdf")},
            headers={
                "X-CSRFToken": rush.TOKEN.search(item.text).group(1),
                "Accept": "application/json",
                "Referer": f"{self.run.base}/butir/{pk}/",
            },
        )
        if answer is not None:
            self.run.uploaded.append((name, hashlib.sha256(body).hexdigest()))


class Kepala(Visitor):
    def loop(self) -> None:
        self.step("dashboard (Kepala)", "GET", "/dasbor/")


class Reviewer(Visitor):
    def __init__(self, run: Run, n: int, email: str, share: tuple[int, int]) -> None:
        super().__init__(run, n, email)
        self.share = share  # (mine, of): the versions with id % of == mine

    def loop(self) -> None:
        queue = self.step("review queue", "GET", "/reviu/")
        if queue is None:
            return
        mine, of = self.share
        waiting = [int(pk) for pk in PICKABLE.findall(queue.text) if int(pk) % of == mine]
        if not waiting:
            return
        self.think()  # reading the file in the preview
        pk = waiting[0]
        answer = self.step(
            "approve (queue form post)",
            "POST",
            f"/versi/{pk}/reviu/",
            data={
                "csrfmiddlewaretoken": rush.TOKEN.search(queue.text).group(1),
                "decision": "approve",
                "comment": "",
                "next": "queue",
                "query": "",
            },
            headers={"Referer": f"{self.run.base}/reviu/"},
        )
        if answer is not None:
            self.run.approved.append((pk, self.email))


class Run:
    """What every visitor shares: where, until when, and what was answered."""

    def __init__(self, base: str, think: tuple[float, float]) -> None:
        self.base, self.think = base, think
        self.results: dict[str, list] = defaultdict(list)
        self.uploaded: list[tuple[str, str]] = []
        self.approved: list[tuple[int, str]] = []
        self.lock = threading.Lock()
        self.began = self.end = 0.0

    def record(self, kind: str, status, seconds: float, began: float) -> None:
        with self.lock:
            self.results[kind].append((status, seconds, began - self.began))


def cast(people: dict, run: Run) -> list[Visitor]:
    reviewers = people["reviewers"]
    visitors: list[Visitor] = [
        Reviewer(run, n, email, (n, len(reviewers))) for n, email in enumerate(reviewers)
    ]
    visitors += [Kepala(run, 1000 + n, email) for n, email in enumerate(people["kepala"])]
    visitors += [
        Pic(run, 2000 + n, email, items) for n, (email, items) in enumerate(people["pics"])
    ]
    return visitors


def warm_up(base: str, count: int) -> None:
    """A server that has been up all morning: every worker has answered a few pages
    (templates compiled, URLs resolved) before the first person arrives."""
    threads = [
        threading.Thread(target=requests.get, args=(base + "/akun/login/",), kwargs={"timeout": 60})
        for _ in range(count)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def rush_for(visitors: list[Visitor], run: Run, duration: float, ramp: float) -> float:
    """Start everyone (sign-ins spread evenly over ``ramp``), stop starting clicks after
    ``duration``; return the seconds until the last answer."""
    barrier = threading.Barrier(len(visitors) + 1)
    # Sign-ins in a shuffled order, so that the few reviewers and Kepala are not all first.
    order = list(range(len(visitors)))
    random.Random(0).shuffle(order)
    threads = [
        threading.Thread(target=v, args=(barrier, ramp * order[i] / len(visitors)))
        for i, v in enumerate(visitors)
    ]
    for thread in threads:
        thread.start()
    run.began = time.monotonic()
    run.end = run.began + duration
    barrier.wait()
    for thread in threads:
        thread.join()
    return time.monotonic() - run.began
