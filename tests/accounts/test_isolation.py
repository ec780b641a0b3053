"""One unit never sees or changes another's data: every URL pattern of the project
(pages, downloads, the admin, allauth, the API, PortalRB) requested by each of unit B's
people, and by unit B's PortalRB token, with GET and with a plausible POST naming unit A's
objects. See tests/isolation.py for the rules; a new route is walked without a change.

A route that names one of A's objects must answer 403, 404, 405 or 400 (the admin sends
unit B's Ketua back to its index, everyone else to its sign-in: 302); any other route may
answer anything below 500, but none of A's markers may appear in what it returns, no row
of A may differ afterwards and no row of one unit may point at a row of another."""

from __future__ import annotations

import json
import re

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from evidence.models import EvidenceVersion
from lke import services as lke_services
from tests import isolation
from tests.evidence import samples
from tests.multiunit import users_b

pytestmark = pytest.mark.django_db

ROLES_B = ["ketua", "kepala", "tpi", "pic.pw", "anggota"]
REFUSED = {400, 401, 403, 404, 405}
# Writes to unit A that a route makes for anyone, by design: a password reset asked for
# one of A's e-mail addresses records the address (allauth) and mails its owner.
NEUTRAL_WRITES = {"account_reset_password": {"account.EmailAddress"}}


class _Rollback(Exception):
    pass


@pytest.fixture
def secrets(demo):
    found = isolation.a_secrets()
    assert isolation.cross_unit_references() == []
    return found


def _form(secrets, route_name: str) -> dict:
    """A plausible form for any of the portal's POSTs, naming A's objects wherever a form
    takes an id (and one of A's people where it takes an e-mail)."""
    s = secrets
    if route_name == "lke:import":
        upload = samples.upload("jawaban-unit.json", isolation.a_answers_file(s))
    else:
        upload = samples.upload("uji-b.pdf", samples.pdf("uji unit B"))
    return {
        "decision": "approve",
        "comment": "uji B",
        "note": "uji B",
        "reason": "uji B",
        "status": "done",
        "month": "1",
        "value": "A",
        "side": "unit",
        "name": "uji B",
        "category": "WBK",
        "kind": "WBK",
        "year": str(isolation.YEAR),
        "decree": "SK uji B",
        "email": s["people"]["pic.tl"].email,
        "evidence": [str(s["version"].pk)],
        "version": [str(s["version"].pk)],
        "replaces": str(s["version"].pk),
        "url": "https://intra.example.net/unit-b",
        "description": "uji B",
        "recommendation": "uji B",
        "owner": str(s["people"]["pic.pw"].pk),
        "due_date": "2027-01-31",
        "cell": str(s["cell"].pk),
        "requirement": str(s["requirement"].pk),
        "activity": str(s["activity"].pk),
        "follow_up": "uji B",
        "good_practice": "uji B",
        "impact": "uji B",
        "quarter": "1",
        "open": "1",
        "support": "uji B",
        "receive_digest": "on",
        "language": "id",
        "next": "/",
        "jenis": "quarterly",
        "file": upload,
    }


def _query(secrets) -> str:
    """The list pages' filters, pointed at A's people and items."""
    s = secrets
    pic = s["people"]["pic.pw"].pk
    return (
        f"?tahun={isolation.YEAR}&area=PW&pj={pic}&milik={pic}&person={pic}"
        f"&item={s['requirement'].pk}&status=pending&bulan=1&tabel=1&hal=1"
    )


def _body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def _sent_values(form: dict) -> list[str]:
    values = []
    for value in form.values():
        for one in value if isinstance(value, list) else [value]:
            if isinstance(one, str) and len(one) > 3:
                values.append(one)
    return values


class Walk:
    """Requests every route as one client, collecting what breaks the rules."""

    def __init__(self, secrets, client: Client, *, login=None, headers=None):
        self.secrets = secrets
        self.client = client
        self.login = login
        self.headers = headers or {}
        self.markers = isolation.markers(secrets)
        self.problems: list[str] = []
        self.requests = 0

    def _signed_in(self):
        if self.login is not None and "_auth_user_id" not in self.client.session:
            self.client.force_login(self.login)

    def send(self, request: isolation.Request, method: str, path: str | None = None):
        self._signed_in()
        path = path or request.path
        headers = self.headers.get(_api_kind(path), {})
        self.requests += 1
        sent: list[str] = []
        if method == "GET":
            return self.client.get(path, **headers), sent
        form = _form(self.secrets, request.route.name)
        sent = _sent_values(form)
        if path.startswith("/api/"):
            body = {k: v for k, v in form.items() if k != "file"}
            return self.client.post(
                path, json.dumps(body), content_type="application/json", **headers
            ), sent
        return self.client.post(path, form, **headers), sent

    def check(self, request: isolation.Request, method: str, response, sent, label: str):
        status = response.status_code
        where = f"{method} {label} [{request.route.name or request.route.pattern}]"
        if status >= 500:
            self.problems.append(f"{where}: {status}")
            return
        if request.names_a_object:
            allowed = REFUSED | ({302} if request.path.startswith("/admin/") else set())
            if status not in allowed:
                self.problems.append(f"{where}: {status} for one of unit A's objects")
        body = _body(response)
        text = body
        for value in sent:
            text = text.replace(value.encode(), b"")
        headers = " ".join(f"{k}: {v}" for k, v in response.items()).encode()
        hits = isolation.leaks(text + b"\n" + headers, response.get("Content-Type", ""),
                               self.markers)  # fmt: skip
        if hits:
            self.problems.append(f"{where}: {status} shows unit A's {hits}")

    def walk(self, *, only_api: bool = False):
        for route in isolation.routes():
            if only_api and not route.pattern.startswith("api/"):
                continue
            for request in isolation.requests_for(route, self.secrets):
                response, sent = self.send(request, "GET")
                self.check(request, "GET", response, sent, request.path)
                if response.status_code == 200 and not request.names_a_object:
                    path = request.path + _query(self.secrets)
                    response, sent = self.send(request, "GET", path)
                    self.check(request, "GET", response, sent, path)
                self._post(request)

    def _post(self, request):
        """POST inside a savepoint that is rolled back, so that every request meets the
        same data; a POST that was not refused is checked before the rollback."""
        try:
            with transaction.atomic():
                with CaptureQueriesContext(connection) as queries:
                    response, sent = self.send(request, "POST")
                self.check(request, "POST", response, sent, request.path)
                if response.status_code < 400 and _wrote(queries):
                    neutral = NEUTRAL_WRITES.get(request.route.name, set())
                    self.invariants(f"POST {request.path}", neutral)
                raise _Rollback
        except _Rollback:
            pass

    def invariants(self, after: str, neutral: set[str] = frozenset()):
        now = isolation.fingerprint(self.secrets["unit"])
        changed = [k for k, digest in now.items() if self.before.get(k) != digest]
        changed = [k for k in changed if k not in neutral]
        if changed:
            self.problems.append(f"after {after}: unit A's rows changed: {changed}")
        for reference in isolation.cross_unit_references():
            self.problems.append(f"after {after}: a row points across units: {reference}")


def _wrote(queries: CaptureQueriesContext) -> bool:
    """Did the request change any row (beyond its session)?"""
    return any(
        WRITE.match(q["sql"]) and "django_session" not in q["sql"] for q in queries.captured_queries
    )


WRITE = re.compile(r"\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)


def _api_kind(path: str) -> str:
    if path.startswith("/api/portalrb"):
        return "portalrb"
    if path.startswith("/api/"):
        return "api"
    return "page"


def _api_token(user) -> str:
    from zi_portal.accounts.services import api_token_for

    return api_token_for(user=user)


@pytest.mark.parametrize("who", ROLES_B)
def test_unit_b_reaches_nothing_of_unit_a(secrets, who):
    person = users_b()[who]
    client = Client(raise_request_exception=False)
    walk = Walk(
        secrets,
        client,
        login=person,
        headers={"api": {"HTTP_AUTHORIZATION": f"Token {_api_token(person)}"}},
    )
    walk.before = isolation.fingerprint(secrets["unit"])
    walk.walk()
    walk.invariants("the walk")
    assert walk.requests > 400
    assert walk.problems == [], "\n".join(walk.problems)


def test_unit_b_portalrb_token_reaches_nothing_of_unit_a(secrets):
    ketua_b = users_b()["ketua"]
    _token, key = lke_services.token_issue(name="PortalRB unit B", user=ketua_b)
    walk = Walk(
        secrets,
        Client(raise_request_exception=False),
        headers={"portalrb": {"HTTP_AUTHORIZATION": f"Bearer {key}"}},
    )
    walk.before = isolation.fingerprint(secrets["unit"])
    walk.walk(only_api=True)
    walk.invariants("the walk")
    assert walk.requests > 20
    assert walk.problems == [], "\n".join(walk.problems)


# --- the walk can fail ------------------------------------------------------------------


def test_unit_a_sees_its_own_marked_data(secrets, client):
    """The markers are there to be found: A's Ketua meets them on A's pages, so a page
    that showed them to unit B would fail the walk."""
    client.force_login(secrets["people"]["ketua"])
    markers = isolation.markers(secrets)
    pages = {
        f"/butir/{secrets['requirement'].pk}/": isolation.MARK,
        f"/temuan/{secrets['finding'].pk}/": isolation.MARK,
        "/audit/": isolation.MARK,
        f"/lke/{isolation.YEAR}/soal/{secrets['question'].soal_id}/": isolation.MARK,
        f"/laporan/{secrets['report'].pk}/unduh/": None,
    }
    for path, expected in pages.items():
        response = client.get(path)
        assert response.status_code == 200, path
        if expected:
            assert expected in isolation.leaks(_body(response), response["Content-Type"], markers)
    export = client.get(f"/lke/{isolation.YEAR}/unduh.xlsx")
    assert isolation.MARK in isolation.leaks(export.content, export["Content-Type"], markers)


def test_a_change_to_unit_a_shows_in_its_fingerprint(secrets):
    before = isolation.fingerprint(secrets["unit"])
    EvidenceVersion.objects.filter(pk=secrets["version"].pk).update(note="diubah")
    after = isolation.fingerprint(secrets["unit"])
    assert [k for k in before if before[k] != after[k]] == ["evidence.EvidenceVersion"]


def test_a_row_pointing_across_units_is_found(secrets):
    from findings.models import Finding
    from workplan.models import WorkPlan

    plan_b = WorkPlan.objects.get(year=isolation.YEAR, unit__code="UNIT-UJI-B")
    Finding.objects.filter(pk=secrets["finding"].pk).update(plan=plan_b)
    found = isolation.cross_unit_references()
    assert any(line.startswith("findings.Finding.") for line in found), found


def test_every_route_gets_values(secrets):
    """No route of the project is left out of the walk for want of a parameter value."""
    routes = isolation.routes()
    assert len(routes) > 250
    paths = [r for route in routes for r in isolation.requests_for(route, secrets)]
    assert len(paths) >= len(routes)
    assert sum(r.names_a_object for r in paths) > 40
