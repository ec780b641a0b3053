"""Bench: 2,000 responses to an open SKM survey through the public form over HTTP
(issue 16, "Scale and speed").

    .venv/bin/python bench/survey_rush.py --responses 2000 --clients 20 --out FILE.md

The production shape (bench/stack.py: gunicorn with ``zi_portal.gunicorn_conf``, Redis
as the shared cache the address limit counts in, the production settings) on a
PostgreSQL cluster of the bench's own (bench/pgcluster.py; ``--sqlite`` for a SQLite
file). The bench makes a survey of the demo unit with two services, opens it, and then
``--clients`` people submit at once, each with at most one request in flight. Every
response is a new device: a fresh cookie jar that GETs the service's link (the QR
poster's ``?layanan=``), reads the CSRF token, the signed start stamp and the question
names from the page, and POSTs an answer 1–4 to every question once the form has been
open longer than the server's time floor (``ZI_SURVEY_MIN_SECONDS``, read from the
server's settings). While one form waits out the floor its client opens the next one,
so the floor costs the run about its own length, not its length per response.

The address limit: every request comes from 127.0.0.1, so the bench asks the server for
``ZI_SURVEY_FLAG_AFTER`` / ``ZI_SURVEY_REFUSE_AFTER`` above the number of responses
(through the environment). When the server's settings do not take those from the
environment, each device comes from an address of its own behind one trusted proxy
(X-Forwarded-For, ``ZI_TRUSTED_PROXY_COUNT=1``) instead; the output says which.

Printed (and written as Markdown with ``--out``): per request type count, errors,
median, p95 and max; requests a second; load average before and after; flagged
responses by reason; and lost work: every "thank you" page must be one stored response
of that device (its signed cookie, digested as the server does) holding the answers
sent, and no response may be stored that was not thanked.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import sys
import threading
import time
from collections import defaultdict, deque
from datetime import UTC, datetime
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.pgcluster import Cluster  # noqa: E402
from bench.rush import TOKEN  # noqa: E402
from bench.rush_mixed import GUNICORN, loads, server_log, table  # noqa: E402
from bench.stack import Stack  # noqa: E402

SERVICES = (("loket", "Layanan loket", 1200), ("daring", "Layanan daring", 8000))
SETUP = """
import json
from datetime import timedelta
from django.utils import timezone
from surveys import public, services
from surveys.choices import SurveyStatus
from zi_portal.accounts.models import User
ketua = User.objects.get(email="ketua@example.org")
today = timezone.localdate()
chosen = [services.service_save(unit=ketua.unit, user=ketua, code=c, name=n, population=p)
          for c, n, p in __SERVICES__]
survey = services.survey_create(unit=ketua.unit, user=ketua, kind="skm",
    title="SKM TW IV 2026 (bench)", starts_on=today - timedelta(days=1),
    ends_on=today + timedelta(days=30), services=chosen, quarter=4)
services.survey_set_status(survey=survey, user=ketua, status=SurveyStatus.OPEN)
print("SETUP", json.dumps({"pk": survey.pk, "token": survey.token,
    "services": [s.code for s in chosen], "min_seconds": public.min_seconds(),
    "flag_after": public._setting("ZI_SURVEY_FLAG_AFTER", 60),
    "refuse_after": public._setting("ZI_SURVEY_REFUSE_AFTER", 300)}))
"""
CHECK = """
import json
from collections import Counter
from django.http import HttpRequest
from surveys import public
from surveys.models import Answer, Response, Survey
survey = Survey.objects.get(pk=__PK__)
sent = json.loads(open("__SENT__", encoding="utf-8").read())
def device(cookie):  # as the form reads it: the signed cookie of a request
    request = HttpRequest()
    request.COOKIES[public.DEVICE_COOKIE] = cookie
    return public.device_id(request)[0]
rows = {r.device_digest: r for r in Response.objects.filter(survey=survey)}
answers = {}
for response_id, question_id, value in Answer.objects.filter(
        response__survey=survey).values_list("response_id", "question_id", "value"):
    answers.setdefault(response_id, {})[str(question_id)] = value
matched = differ = missing = 0
for cookie, values in sent:
    row = rows.get(public.device_digest(survey, device(cookie)))
    if row is None:
        missing += 1
    elif answers.get(row.pk) == values:
        matched += 1
    else:
        differ += 1
print("CHECK", json.dumps({"rows": len(rows), "answers": sum(len(a) for a in answers.values()),
    "matched": matched, "differ": differ, "missing": missing,
    "flagged": dict(Counter(r.flag_reason for r in rows.values() if r.flag_reason))}))
"""
EXPECTED = {"form (GET, new device)": 200, "submit (POST)": 200}
THANKS = "Terima kasih, jawaban Anda sudah tersimpan"
STAMP = re.compile(r'name="mulai" value="([^"]+)"')
FIXED_SERVICE = re.compile(r'type="hidden" name="layanan" value="([^"]+)"')
QUESTION = re.compile(r'name="(q\d+)" value="[1-4]"')


class Run:
    """What the clients share: the server, the floor, what was answered and thanked."""

    def __init__(self, base: str, token: str, codes: list[str], floor: float, count: int):
        self.base, self.token, self.codes, self.floor = base, token, codes, floor
        self.left = count
        self.results: dict[str, list] = defaultdict(list)
        self.thanked: list[tuple[str, dict[str, int]]] = []
        self.not_thanked = 0
        self.lock = threading.Lock()
        self.began = 0.0

    def take(self) -> int | None:
        with self.lock:
            if self.left == 0:
                return None
            self.left -= 1
            return self.left

    def record(self, kind: str, status, seconds: float) -> None:
        with self.lock:
            self.results[kind].append((status, seconds, time.monotonic() - self.began))


class Client:
    """One person's phone after another: at most one request in flight."""

    def __init__(self, run: Run, n: int, own_addresses: bool) -> None:
        self.run, self.n, self.own_addresses = run, n, own_addresses
        self.random = random.Random(n)
        self.waiting: deque = deque()  # (ready at, session, form data)

    def step(self, kind: str, session: requests.Session, method: str, url: str, **kwargs):
        began = time.monotonic()
        try:
            response = session.request(method, url, timeout=120, allow_redirects=False, **kwargs)
            status = response.status_code
        except requests.RequestException as exc:
            response, status = None, type(exc).__name__
        self.run.record(kind, status, time.monotonic() - began)
        return response if status == EXPECTED[kind] else None

    def open_form(self, number: int) -> None:
        session = requests.Session()
        if self.own_addresses:
            session.headers["X-Forwarded-For"] = (
                f"10.{number // 62500}.{number // 250 % 250}.{number % 250 + 1}"
            )
        code = self.run.codes[number % len(self.run.codes)]
        url = f"{self.run.base}/survei/{self.run.token}/?layanan={code}"
        page = self.step("form (GET, new device)", session, "GET", url)
        if page is None:
            session.close()
            return
        html = page.text
        questions = sorted(set(QUESTION.findall(html)))
        data = {
            "csrfmiddlewaretoken": TOKEN.search(html).group(1),
            "mulai": STAMP.search(html).group(1),
            "layanan": FIXED_SERVICE.search(html).group(1),
            "situs_web": "",
            **{q: str(self.random.choices((1, 2, 3, 4), (1, 2, 5, 4))[0]) for q in questions},
        }
        self.waiting.append((time.monotonic() + self.run.floor, session, data))

    def submit(self) -> None:
        _ready, session, data = self.waiting.popleft()
        url = f"{self.run.base}/survei/{self.run.token}/"
        page = self.step("submit (POST)", session, "POST", url, data=data)
        session.close()
        if page is None:
            return
        if THANKS not in page.text:
            with self.run.lock:
                self.run.not_thanked += 1
            return
        sent = {k[1:]: int(v) for k, v in data.items() if re.fullmatch(r"q\d+", k)}
        with self.run.lock:
            self.run.thanked.append((session.cookies.get("zi_survei_perangkat"), sent))

    def __call__(self) -> None:
        while True:
            if self.waiting and self.waiting[0][0] <= time.monotonic():
                self.submit()
                continue
            number = self.run.take()
            if number is not None:
                self.open_form(number)
                continue
            if not self.waiting:
                return
            time.sleep(max(0.0, self.waiting[0][0] - time.monotonic()))


def warm_up(url: str, count: int) -> None:
    """A server that has been up all morning: every worker has shown the form a few times
    (templates compiled, URLs resolved) before the first person scans the QR code. The
    devices of these visits never answer, so they leave no row."""
    threads = [
        threading.Thread(target=requests.get, args=(url,), kwargs={"timeout": 60})
        for _ in range(count)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument(
        "--min-seconds", type=int, help="ask the server for this time floor (default: its own)"
    )
    parser.add_argument("--sqlite", action="store_true", help="a SQLite file, not PostgreSQL")
    parser.add_argument("--workers", type=int, default=GUNICORN["workers"])
    parser.add_argument("--threads", type=int, default=GUNICORN["threads"])
    parser.add_argument("--out", type=Path, help="write the Markdown results here")
    args = parser.parse_args()
    high = str(args.responses * 10)
    env = {
        "ZI_SURVEY_FLAG_AFTER": high,
        "ZI_SURVEY_REFUSE_AFTER": high,
        "ZI_TRUSTED_PROXY_COUNT": "1",
        "WEB_CONCURRENCY": str(args.workers),
        "GUNICORN_THREADS": str(args.threads),
    }
    if args.min_seconds is not None:
        env["ZI_SURVEY_MIN_SECONDS"] = str(args.min_seconds)
    load_start = os.getloadavg()
    cluster = None if args.sqlite else Cluster()
    if cluster is not None:
        cluster.start()
    stack = Stack("survey-rush", database_url=cluster.url if cluster else None, **env)
    sent_file = stack.tmp / "sent.json"
    try:
        stack.setup()
        code = SETUP.replace("__SERVICES__", repr(SERVICES))
        survey = stack.shell(code, "SETUP")
        honoured = survey["refuse_after"] == int(high)
        own_addresses = not honoured and survey["flag_after"] < args.responses
        stack.start()
        warm_up(f"{stack.url}/survei/{survey['token']}/", 4 * args.workers)
        run = Run(
            stack.url, survey["token"], survey["services"], survey["min_seconds"] + 0.5,
            args.responses,
        )  # fmt: skip
        clients = [Client(run, n, own_addresses) for n in range(args.clients)]
        threads = [threading.Thread(target=c) for c in clients]
        load_before = os.getloadavg()
        run.began = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        took = time.monotonic() - run.began
        load_after = os.getloadavg()
        web_alive = stack.web.poll() is None
        log = server_log(stack)
        sent_file.write_text(json.dumps(run.thanked), encoding="utf-8")
        check = stack.shell(
            CHECK.replace("__PK__", str(survey["pk"])).replace("__SENT__", str(sent_file)),
            "CHECK",
        )
    finally:
        stack.close()
        if cluster is not None:
            cluster.close()
    total = sum(len(r) for r in run.results.values())
    database = (
        "SQLite (a file of the bench's own)"
        if cluster is None
        else (f"PostgreSQL {cluster.bin.parent.name} (a cluster of the bench's own, fsync off)")
    )
    if honoured:
        addresses = (
            f"all from 127.0.0.1; the bench's server flags after {survey['flag_after']} and "
            f"refuses after {survey['refuse_after']} responses an hour from one address "
            "(`ZI_SURVEY_FLAG_AFTER`/`ZI_SURVEY_REFUSE_AFTER` set high for the bench; "
            "production's defaults are 60 and 300)"
        )
    elif own_addresses:
        addresses = (
            f"the server's settings do not take `ZI_SURVEY_FLAG_AFTER`/`ZI_SURVEY_REFUSE_AFTER` "
            f"from the environment (it flags after {survey['flag_after']} and refuses after "
            f"{survey['refuse_after']} responses an hour from one address), so each device "
            "came from an address of its own behind one trusted proxy (X-Forwarded-For, "
            "`ZI_TRUSTED_PROXY_COUNT=1`)"
        )
    else:
        addresses = (
            f"all from 127.0.0.1, under the server's own limits (flags after "
            f"{survey['flag_after']}, refuses after {survey['refuse_after']} an hour from one "
            "address: its settings do not take them from the environment)"
        )
    floor = (
        f"{survey['min_seconds']} s"
        + (" (set low for the bench: `--min-seconds`)" if args.min_seconds is not None else
           " (the server's own floor; every form was sent 0.5 s after it passed)")
    )  # fmt: skip
    thanked = len(run.thanked)
    flagged = ", ".join(f"{k}: {n}" for k, n in sorted(check["flagged"].items())) or "none"
    lines = [
        "# Survey rush: responses through the public form",
        "",
        f"- **Command:** `.venv/bin/python bench/survey_rush.py {' '.join(sys.argv[1:])}`",
        f"- **Machine:** {platform.machine()}, {os.cpu_count()} CPUs (`nproc`), Linux "
        f"{platform.release()}, Python {platform.python_version()}, {database} on "
        f"loopback; client and server share the cores. **Date:** "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"- **Load average** (1, 5, 15 min): {loads(load_start)} before the set-up, "
        f"{loads(load_before)} as the rush began, {loads(load_after)} after (shared machine)",
        f"- **Server:** gunicorn `zi_portal.gunicorn_conf`, {args.workers} workers × "
        f"{args.threads} threads (docker-compose's count), Redis as the shared cache, "
        "production settings.",
        f"- **Load:** {args.responses} responses by {args.clients} concurrent clients (each at "
        "most one request in flight); every response a new device (a fresh cookie jar): "
        "GET the service's link, POST every question answered. Time floor "
        f"{floor}. Addresses: {addresses}.",
        "",
        *table(run, EXPECTED),
        "",
        f"- **Requests:** {total} in {took:.1f} s, {total / took:.1f} a second "
        f"({thanked / took:.1f} responses a second, the floor's wait included).",
        f"- **Thank-you pages:** {thanked}; POSTs answered 200 without one: {run.not_thanked}.",
        f"- **Stored:** {check['rows']} responses with {check['answers']} answers; a stored "
        f"response of that device with the answers sent: {check['matched']} of {thanked} "
        f"(answers differ: {check['differ']}, missing: {check['missing']}); responses "
        f"stored without a thank-you page: {check['rows'] - check['matched'] - check['differ']}.",
        f"- **Flagged** (kept apart for the Ketua): {flagged}.",
        f"- **Server log:** {log}; gunicorn still running: {web_alive}.",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
