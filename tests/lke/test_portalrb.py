"""A test acting as PortalRB: it calls the three endpoints of the Panduan Teknis API
Integrasi ZI (v1.0.0, 2026) with a Bearer token and checks every field against the guide
(``docs/lke-scoring.md`` §6): the unit lists, one unit's answers, the error format of every
refusal, the rate limit, the access log, and the Ketua Tim's token management."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import F
from django.test import Client
from django.utils import timezone

from lke import services
from lke.models import (
    Category,
    LkeQuestion,
    PortalRBRefusal,
    PortalRBRequest,
    PortalRBToken,
    Proposal,
    Side,
)
from workplan.models import EvidenceRequirement, Unit

pytestmark = pytest.mark.django_db

WBK = "/api/portalrb/pengusulan/unit-wbk"
WBBM = "/api/portalrb/pengusulan/unit-wbbm"
JAWABAN = "/api/portalrb/lke/jawaban-unit/"
SITE = "https://zi.example.go.id"
ANSWER_KEYS = {
    "soal_id",
    "jawaban_unit",
    "jawaban_tpi",
    "catatan_unit",
    "bukti_dukung_unit",
    "catatan_tpi",
}


def master_soal_ids() -> list[int]:
    """The soal ids of the bundled master JSON, in document order."""
    data = json.loads(services.MASTER_FILE.read_bytes())

    def walk(node):
        for soal in node.get("soals", []):
            yield soal["id"]
        for child in node.get("children", []):
            yield from walk(child)

    return [soal_id for root in data["data"] for soal_id in walk(root)]


@pytest.fixture
def lke(demo):
    """The demo plan with the 2026 LKE master loaded and its unit proposed for WBK.

    ``seed_demo`` (the ``demo`` fixture) already does both; this only makes sure of it."""
    master = services.master_ensure()
    Proposal.objects.get_or_create(
        unit=demo["plan"].unit, year=2026, defaults={"category": Category.WBK}
    )
    return {**demo, "master": master, "unit": demo["plan"].unit}


def issue_token(name: str = "PortalRB") -> str:
    out = StringIO()
    call_command("portalrb_token", "create", name, stdout=out)
    raw = out.getvalue().strip()
    assert raw.startswith(PortalRBToken.PREFIX)
    assert "\n" not in raw
    return raw


def bearer(raw: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {raw}"})


@pytest.fixture
def portalrb(lke):
    """A client acting as PortalRB: no session, only the Bearer token."""
    raw = issue_token()
    client = bearer(raw)
    client.raw_token = raw
    return client


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error", "code", "message"}
    assert body["error"] is True
    assert body["code"] == code
    assert isinstance(body["message"], str) and body["message"].strip()
    return body


def assert_unit_list(body: dict, categories: set[str]) -> None:
    assert set(body) == {"tahun", "units"}
    assert isinstance(body["tahun"], int) and not isinstance(body["tahun"], bool)
    assert isinstance(body["units"], list)
    for unit in body["units"]:
        assert set(unit) == {"id", "nama", "kategori", "afirmasi"}
        assert isinstance(unit["id"], str) and unit["id"]
        assert isinstance(unit["nama"], str) and unit["nama"]
        assert unit["kategori"] in categories
        assert type(unit["afirmasi"]) is bool


def other_unit(code: str, name: str) -> Unit:
    return Unit.objects.create(code=code, name=name, short_name=name[:30])


# ---------------------------------------------------------------------------------------
# The unit lists
# ---------------------------------------------------------------------------------------


def test_unit_wbk_lists_the_proposed_unit(portalrb, lke):
    response = portalrb.get(WBK)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert_unit_list(body, {"WBK", "WBK-AFIRMASI"})
    assert body["tahun"] == 2026
    unit = lke["unit"]
    assert body["units"] == [
        {"id": unit.code, "nama": unit.name, "kategori": "WBK", "afirmasi": False}
    ]


def test_unit_wbk_with_an_afirmasi_unit(portalrb, lke):
    balai = other_unit("BALAI-AFIRMASI-01", "Balai Afirmasi Contoh")
    Proposal.objects.create(unit=balai, year=2026, category=Category.WBK_AFIRMASI, afirmasi=True)
    body = portalrb.get(WBK).json()
    assert_unit_list(body, {"WBK", "WBK-AFIRMASI"})
    by_id = {u["id"]: u for u in body["units"]}
    assert set(by_id) == {lke["unit"].code, "BALAI-AFIRMASI-01"}
    assert by_id["BALAI-AFIRMASI-01"] == {
        "id": "BALAI-AFIRMASI-01",
        "nama": "Balai Afirmasi Contoh",
        "kategori": "WBK-AFIRMASI",
        "afirmasi": True,
    }
    assert by_id["BALAI-AFIRMASI-01"]["afirmasi"] is True
    assert by_id[lke["unit"].code]["afirmasi"] is False
    # A WBBM proposal is not a WBK unit.
    assert "WBBM" not in {u["kategori"] for u in body["units"]}


def test_unit_wbbm_empty_then_with_a_wbbm_unit(portalrb, lke):
    empty = portalrb.get(WBBM)
    assert empty.status_code == 200
    assert empty.json() == {"tahun": 2026, "units": []}

    loka = other_unit("LOKA-WBBM-02", "Loka Pelayanan Contoh")
    Proposal.objects.create(unit=loka, year=2026, category=Category.WBBM)
    body = portalrb.get(WBBM).json()
    assert_unit_list(body, {"WBBM"})
    assert body == {
        "tahun": 2026,
        "units": [
            {
                "id": "LOKA-WBBM-02",
                "nama": "Loka Pelayanan Contoh",
                "kategori": "WBBM",
                "afirmasi": False,
            }
        ],
    }
    # ...and it is not in the WBK list.
    assert "LOKA-WBBM-02" not in {u["id"] for u in portalrb.get(WBK).json()["units"]}


def test_tahun_parameter(portalrb, lke):
    assert portalrb.get(WBK, {"tahun": "2026"}).json()["tahun"] == 2026
    assert_error(portalrb.get(WBK, {"tahun": "20x6"}), 422, "VALIDATION_ERROR")
    assert_error(portalrb.get(WBBM, {"tahun": "26"}), 422, "VALIDATION_ERROR")
    assert_error(portalrb.get(WBK, {"tahun": ""}), 422, "VALIDATION_ERROR")
    # 1999 is outside the years the portal accepts (2000-2100): refused as invalid data.
    assert_error(portalrb.get(WBK, {"tahun": "1999"}), 422, "VALIDATION_ERROR")
    # A well-formed year the portal knows nothing about: not found.
    assert_error(portalrb.get(WBK, {"tahun": "2031"}), 404, "DATA_NOT_FOUND")
    code = lke["unit"].code
    assert_error(portalrb.get(JAWABAN + code, {"tahun": "20x6"}), 422, "VALIDATION_ERROR")
    assert_error(portalrb.get(JAWABAN + code, {"tahun": "2031"}), 404, "DATA_NOT_FOUND")


def test_no_proposal_at_all_is_data_not_found(portalrb, lke):
    Proposal.objects.all().delete()
    body = assert_error(portalrb.get(WBK), 404, "DATA_NOT_FOUND")
    assert "belum tersedia" in body["message"]
    assert_error(portalrb.get(WBBM), 404, "DATA_NOT_FOUND")


def test_trailing_slash_variants(portalrb, lke):
    code = lke["unit"].code
    for path in (WBK, WBK + "/", WBBM, WBBM + "/", JAWABAN + code, JAWABAN + code + "/"):
        response = portalrb.get(path)
        assert response.status_code == 200, path
        assert response["Content-Type"].startswith("application/json")
    assert portalrb.get(WBK).json() == portalrb.get(WBK + "/").json()
    assert portalrb.get(JAWABAN + code).json() == portalrb.get(JAWABAN + code + "/").json()


# ---------------------------------------------------------------------------------------
# One unit's answers
# ---------------------------------------------------------------------------------------


def question(master, soal_id: int) -> LkeQuestion:
    return LkeQuestion.objects.select_related("master").get(master=master, soal_id=soal_id)


def test_jawaban_unit_every_field(portalrb, lke, settings):
    settings.ZI_SITE_URL = SITE + "/"
    master, unit = lke["master"], lke["unit"]
    users = lke["users"]
    item = EvidenceRequirement.objects.filter(cell__quarter__plan=lke["plan"]).first()
    # Soal 2 (ABC): the unit's answer, note, a portal evidence item and a URL; the TPI's.
    services.answer_save(
        unit=unit,
        question=question(master, 2),
        side=Side.UNIT,
        user=users["ketua"],
        value="b",
        note="Tim ZI dibentuk dengan SK Kepala Pusat.",
        support="https://drive.example.org/sk-tim-zi",
        evidence_items=[item],
    )
    services.answer_save(
        unit=unit,
        question=question(master, 2),
        side=Side.TPI,
        user=users["tpi"],
        value="A",
        note="SK diverifikasi TPI.",
    )
    # Soal 88 (Jumlah) and soal 125 (survey 0-4).
    services.answer_save(
        unit=unit, question=question(master, 88), side=Side.UNIT, user=users["ketua"], value="12"
    )
    services.answer_save(
        unit=unit, question=question(master, 125), side=Side.UNIT, user=users["ketua"], value="3.6"
    )
    # Soal 1: a TPI note without an answer; the unit's answer saved then cleared.
    services.answer_save(
        unit=unit,
        question=question(master, 1),
        side=Side.TPI,
        user=users["tpi"],
        value="",
        note="Belum ada bukti pembentukan tim.",
    )
    services.answer_save(
        unit=unit, question=question(master, 1), side=Side.UNIT, user=users["ketua"], value="Ya"
    )
    services.answer_save(
        unit=unit, question=question(master, 1), side=Side.UNIT, user=users["ketua"], value=""
    )

    listed = portalrb.get(WBK).json()["units"]
    unit_id = listed[0]["id"]
    response = portalrb.get(JAWABAN + unit_id)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"unit_id", "nama_unit", "tahun", "answers"}
    assert body["unit_id"] == unit_id and isinstance(body["unit_id"], str)
    assert body["nama_unit"] == unit.name
    assert body["tahun"] == 2026 and type(body["tahun"]) is int
    answers = body["answers"]
    assert isinstance(answers, list)
    ids = master_soal_ids()
    assert len(ids) == 127
    assert [a["soal_id"] for a in answers] == ids
    for entry in answers:
        assert set(entry) == ANSWER_KEYS
        assert type(entry["soal_id"]) is int
        for key in ANSWER_KEYS - {"soal_id"}:
            value = entry[key]
            assert value is None or isinstance(value, str), (entry["soal_id"], key)
            assert value != "", (entry["soal_id"], key)
    by_id = {a["soal_id"]: a for a in answers}
    assert by_id[2] == {
        "soal_id": 2,
        "jawaban_unit": "B",
        "jawaban_tpi": "A",
        "catatan_unit": "Tim ZI dibentuk dengan SK Kepala Pusat.",
        "bukti_dukung_unit": f"{SITE}/butir/{item.pk}/\nhttps://drive.example.org/sk-tim-zi",
        "catatan_tpi": "SK diverifikasi TPI.",
    }
    assert by_id[2]["bukti_dukung_unit"].splitlines() == [
        f"{SITE}/butir/{item.pk}/",
        "https://drive.example.org/sk-tim-zi",
    ]
    assert by_id[88] == {**dict.fromkeys(ANSWER_KEYS), "soal_id": 88, "jawaban_unit": "12"}
    assert by_id[125] == {**dict.fromkeys(ANSWER_KEYS), "soal_id": 125, "jawaban_unit": "3.60"}
    assert by_id[1] == {
        **dict.fromkeys(ANSWER_KEYS),
        "soal_id": 1,
        "catatan_tpi": "Belum ada bukti pembentukan tim.",
    }
    answered = {1, 2, 88, 125}
    for soal_id in set(ids) - answered:
        assert by_id[soal_id] == {**dict.fromkeys(ANSWER_KEYS), "soal_id": soal_id}
    # The link is the evidence item's page in the portal.
    ketua = Client()
    ketua.force_login(users["ketua"])
    page = ketua.get(by_id[2]["bukti_dukung_unit"].splitlines()[0].removeprefix(SITE))
    assert page.status_code == 200
    assert item.text in page.content.decode()


def test_jawaban_unit_of_a_second_proposed_unit(portalrb, lke):
    loka = other_unit("LOKA-WBBM-02", "Loka Pelayanan Contoh")
    Proposal.objects.create(unit=loka, year=2026, category=Category.WBBM)
    unit_id = portalrb.get(WBBM).json()["units"][0]["id"]
    body = portalrb.get(JAWABAN + unit_id).json()
    assert body["unit_id"] == "LOKA-WBBM-02"
    assert body["nama_unit"] == "Loka Pelayanan Contoh"
    assert len(body["answers"]) == 127
    assert all(set(a.values()) == {a["soal_id"], None} for a in body["answers"])


# ---------------------------------------------------------------------------------------
# Refusals: the guide's error body
# ---------------------------------------------------------------------------------------


def test_no_token_is_401(lke):
    anonymous = Client()
    for path in (WBK, WBBM, JAWABAN + lke["unit"].code):
        response = anonymous.get(path)
        body = assert_error(response, 401, "UNAUTHORIZED")
        assert response["WWW-Authenticate"].startswith("Bearer")
        assert "Authorization" in body["message"]


def test_wrong_token_is_401(lke):
    issue_token()
    for header in (
        "Bearer zirb_not-a-real-token",
        "Bearer ",
        "Token abc",
        "zirb_only-the-token",
    ):
        response = Client(headers={"Authorization": header}).get(WBK)
        assert_error(response, 401, "UNAUTHORIZED")
        assert response["WWW-Authenticate"].startswith("Bearer")


def test_token_revoked_by_command_is_401(portalrb, lke):
    assert portalrb.get(WBK).status_code == 200
    token = PortalRBToken.objects.get(
        digest=hashlib.sha256(portalrb.raw_token.encode()).hexdigest()
    )
    out = StringIO()
    call_command("portalrb_token", "revoke", str(token.pk), stdout=out)
    assert f"Token {token.pk} revoked." in out.getvalue()
    token.refresh_from_db()
    assert token.revoked_at is not None
    response = portalrb.get(WBK)
    assert_error(response, 401, "UNAUTHORIZED")
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert_error(portalrb.get(JAWABAN + lke["unit"].code), 401, "UNAUTHORIZED")
    with pytest.raises(CommandError):
        call_command("portalrb_token", "revoke", str(token.pk), stdout=StringIO())


def ketua_token(lke, name: str = "PortalRB unit") -> tuple[Client, PortalRBToken]:
    """A token the unit's Ketua Tim issues on the portal page (it reads that unit)."""
    token, raw = services.token_issue(name=name, user=lke["users"]["ketua"])
    return bearer(raw), token


def test_token_revoked_on_the_portal_page_is_401(lke):
    portalrb, token = ketua_token(lke)
    assert portalrb.get(WBK).status_code == 200
    ketua = Client()
    ketua.force_login(lke["users"]["ketua"])
    response = ketua.post(f"/lke/portalrb/token/{token.pk}/cabut/")
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert token.revoked_by == lke["users"]["ketua"]
    assert_error(portalrb.get(WBK), 401, "UNAUTHORIZED")
    assert_error(portalrb.get(WBBM), 401, "UNAUTHORIZED")


def test_unknown_unit_is_404(portalrb, lke):
    body = assert_error(portalrb.get(JAWABAN + "UNIT-TIDAK-ADA"), 404, "DATA_NOT_FOUND")
    assert "UNIT-TIDAK-ADA" in body["message"]


def test_unit_not_proposed_is_403(portalrb, lke):
    other_unit("BALAI-BELUM-DIUSULKAN", "Balai Belum Diusulkan")
    body = assert_error(portalrb.get(JAWABAN + "BALAI-BELUM-DIUSULKAN"), 403, "FORBIDDEN")
    assert "BALAI-BELUM-DIUSULKAN" in body["message"]


def test_malformed_unit_id_is_422(portalrb, lke):
    for raw in ("bad%20id%21", "-leading-dash", "a" * 65, "%3Cscript%3E"):
        assert_error(portalrb.get(JAWABAN + raw), 422, "VALIDATION_ERROR")


def test_post_is_405_json(portalrb, lke):
    for path in (WBK, WBBM, JAWABAN + lke["unit"].code):
        response = portalrb.post(path, {})
        assert_error(response, 405, "METHOD_NOT_ALLOWED")
        assert response["Allow"] == "GET"
    assert_error(Client().post(WBK), 405, "METHOD_NOT_ALLOWED")


def test_rate_limit(lke, settings):
    settings.ZI_PORTALRB_RATE_PER_MINUTE = 3
    first, second = bearer(issue_token("satu")), bearer(issue_token("dua"))
    assert [first.get(WBK).status_code for _ in range(3)] == [200, 200, 200]
    limited = first.get(WBK)
    assert_error(limited, 429, "RATE_LIMITED")
    assert re.fullmatch(r"\d+", limited["Retry-After"])
    assert 1 <= int(limited["Retry-After"]) <= 61
    assert_error(first.get(JAWABAN + lke["unit"].code), 429, "RATE_LIMITED")
    # Another token has its own allowance.
    assert second.get(WBK).status_code == 200
    assert second.get(WBBM).status_code == 200


def test_rate_limit_window_slides(lke, settings):
    settings.ZI_PORTALRB_RATE_PER_MINUTE = 3
    client = bearer(issue_token())
    assert [client.get(WBK).status_code for _ in range(4)] == [200, 200, 200, 429]
    # A minute later every call has left the window.
    PortalRBRequest.objects.update(at=F("at") - timedelta(seconds=61))
    assert client.get(WBK).status_code == 200


def test_waiting_retry_after_frees_a_call(lke, settings):
    settings.ZI_PORTALRB_RATE_PER_MINUTE = 3

    def age(seconds: int) -> None:
        PortalRBRequest.objects.update(at=F("at") - timedelta(seconds=seconds))

    client = bearer(issue_token())
    # Three calls spread over the minute: 55 s, 25 s and 5 s ago.
    for gap in (30, 20, 5):
        assert client.get(WBK).status_code == 200
        age(gap)
    limited = client.get(WBK)
    assert limited.status_code == 429
    assert PortalRBRefusal.objects.get(status=429).count == 1
    assert not PortalRBRequest.objects.filter(status=429).exists()
    wait = int(limited["Retry-After"])
    assert 1 <= wait <= 7
    # PortalRB waits exactly as long as it was told to: the oldest call has left the
    # window, so one call is free again.
    age(wait)
    assert client.get(WBK).status_code == 200


# ---------------------------------------------------------------------------------------
# The access log
# ---------------------------------------------------------------------------------------


def test_every_call_is_logged_and_the_token_marked_used(portalrb, lke):
    token = PortalRBToken.objects.get()
    assert token.last_used_at is None
    before = timezone.now()
    portalrb.get(WBK)
    portalrb.get(JAWABAN + lke["unit"].code)
    portalrb.get(JAWABAN + "UNIT-TIDAK-ADA")
    Client().get(WBBM)
    rows = list(PortalRBRequest.objects.order_by("pk"))
    assert [(r.path, r.status) for r in rows] == [
        (WBK, 200),
        (JAWABAN + lke["unit"].code, 200),
        (JAWABAN + "UNIT-TIDAK-ADA", 404),
    ]
    assert [r.token_id for r in rows] == [token.pk, token.pk, token.pk]
    assert all(r.remote_addr == "127.0.0.1" for r in rows)
    # The call without a token is counted, not logged as a row of its own.
    refused = PortalRBRefusal.objects.get()
    assert (refused.status, refused.count, refused.token, refused.last_path) == (
        401,
        1,
        None,
        WBBM,
    )
    token.refresh_from_db()
    assert token.last_used_at is not None and token.last_used_at >= before


# ---------------------------------------------------------------------------------------
# Token management (Ketua Tim only)
# ---------------------------------------------------------------------------------------

# A whole token (its 12-character prefix is shown in the token table, never more).
NEW_TOKEN_RE = re.compile(PortalRBToken.PREFIX + r"[A-Za-z0-9_-]{20,}")


def test_ketua_issues_a_token_shown_once(lke):
    ketua = Client()
    ketua.force_login(lke["users"]["ketua"])
    response = ketua.post("/lke/portalrb/token/", {"name": "PortalRB produksi"})
    assert response.status_code == 302
    assert response["Location"] == "/lke/portalrb/"
    page = ketua.get("/lke/portalrb/")
    assert page.status_code == 200
    found = set(NEW_TOKEN_RE.findall(page.content.decode()))
    assert len(found) == 1
    raw = found.pop()
    assert 'data-testid="new-token"' in page.content.decode()
    assert raw.startswith(PortalRBToken.PREFIX)
    again = ketua.get("/lke/portalrb/").content.decode()
    assert raw not in again
    assert not NEW_TOKEN_RE.search(again)
    assert 'data-testid="new-token"' not in again

    token = PortalRBToken.objects.get()
    assert token.name == "PortalRB produksi"
    assert token.created_by == lke["users"]["ketua"]
    assert token.digest == hashlib.sha256(raw.encode()).hexdigest()
    for field in PortalRBToken._meta.concrete_fields:
        assert raw not in str(field.value_from_object(token)), field.name
    # The token works, from a client with no session.
    assert bearer(raw).get(WBK).status_code == 200


@pytest.mark.parametrize("who", ["pic.pw", "pic.tl", "tpi", "kepala"])
def test_others_cannot_manage_tokens(lke, who):
    raw = issue_token()
    token = PortalRBToken.objects.get()
    client = Client()
    client.force_login(lke["users"][who])
    assert client.get("/lke/portalrb/").status_code == 403
    assert client.post("/lke/portalrb/token/", {"name": "Coba"}).status_code == 403
    assert client.post(f"/lke/portalrb/token/{token.pk}/cabut/").status_code == 403
    assert PortalRBToken.objects.count() == 1
    token.refresh_from_db()
    assert token.revoked_at is None
    assert bearer(raw).get(WBK).status_code == 200


def test_list_command_never_prints_the_secret(lke):
    raw = issue_token("PortalRB KemenPAN-RB")
    token = PortalRBToken.objects.get()
    out = StringIO()
    call_command("portalrb_token", "list", stdout=out)
    text = out.getvalue()
    assert raw not in text
    assert raw[len(token.prefix) :] not in text
    assert token.digest not in text
    assert "PortalRB KemenPAN-RB" in text and token.prefix in text and "active" in text
    call_command("portalrb_token", "revoke", str(token.pk), stdout=StringIO())
    out = StringIO()
    call_command("portalrb_token", "list", stdout=out)
    assert "revoked" in out.getvalue() and raw not in out.getvalue()


def test_a_throttled_call_is_logged_with_its_token(lke, settings):
    settings.ZI_PORTALRB_RATE_PER_MINUTE = 1
    client = bearer(issue_token("Sinkron"))
    assert client.get(WBK).status_code == 200
    assert client.get(WBK).status_code == 429
    assert client.get(WBK).status_code == 429
    logged = PortalRBRefusal.objects.get(status=429)
    assert logged.token is not None and logged.token.name == "Sinkron"
    assert logged.count == 2


def test_the_access_log_is_pruned_after_its_retention(lke, settings):
    from datetime import timedelta

    from django.utils import timezone

    from lke.tasks import prune_portalrb_log
    from zi_portal.celery import app

    settings.ZI_PORTALRB_LOG_DAYS = 30
    client = bearer(issue_token("Lama"))
    for _ in range(3):
        client.get(WBK)
    old = PortalRBRequest.objects.order_by("pk")[:2]
    PortalRBRequest.objects.filter(pk__in=[r.pk for r in old]).update(
        at=timezone.now() - timedelta(days=31)
    )
    assert prune_portalrb_log.apply().get() == 2
    assert PortalRBRequest.objects.count() == 1
    schedule = settings.CELERY_BEAT_SCHEDULE["prune-portalrb-log"]
    assert schedule["task"] in app.tasks


# ---------------------------------------------------------------------------------------
# Units: a token reads its issuer's unit; refused calls are counted, not logged each
# ---------------------------------------------------------------------------------------


def test_a_units_token_reads_that_unit_only(lke):
    from tests.multiunit import UNIT_B, users_b

    unit_b = Unit.objects.get(code=UNIT_B)
    Proposal.objects.create(unit=unit_b, year=2026, category=Category.WBK)
    a_client, a_token = ketua_token(lke, "Token unit A")
    assert a_token.unit == lke["unit"]
    listed = a_client.get(WBK).json()["units"]
    assert [u["id"] for u in listed] == [lke["unit"].code]
    assert a_client.get(JAWABAN + lke["unit"].code).status_code == 200
    # Unit B exists and is proposed, but this token is unit A's: "not found".
    body = assert_error(a_client.get(JAWABAN + UNIT_B), 404, "DATA_NOT_FOUND")
    assert UNIT_B in body["message"]
    # A token of the whole portal (the operator's, on the command line) reads both.
    everyone = bearer(issue_token("Operator"))
    assert sorted(u["id"] for u in everyone.get(WBK).json()["units"]) == sorted(
        [lke["unit"].code, UNIT_B]
    )
    # Unit B's Ketua Tim sees neither A's token nor its calls, and cannot revoke it.
    ketua_b = Client()
    ketua_b.force_login(users_b()["ketua"])
    page = ketua_b.get("/lke/portalrb/").content.decode()
    assert "Token unit A" not in page and "Operator" not in page
    assert JAWABAN + lke["unit"].code not in page
    assert ketua_b.post(f"/lke/portalrb/token/{a_token.pk}/cabut/").status_code == 404
    a_token.refresh_from_db()
    assert a_token.revoked_at is None
    b_token, _raw = services.token_issue(name="Token unit B", user=users_b()["ketua"])
    assert b_token.unit == unit_b


def test_a_flood_of_refused_calls_is_limited_and_counted_in_few_rows(lke, settings):
    settings.ZI_PORTALRB_RATE_PER_MINUTE = 10
    anonymous = Client()
    wrong = bearer(PortalRBToken.PREFIX + "salah")
    answers = [c.get(WBK).status_code for c in [anonymous, wrong] * 150]
    assert answers[:10] == [401] * 10
    # The limit counts per minute: a run that straddles a minute gets 10 more 401s.
    assert set(answers) == {401, 429}
    assert 10 <= answers.count(401) <= 20
    assert answers.count(429) >= 280
    assert PortalRBRequest.objects.count() == 0
    rows = list(PortalRBRefusal.objects.all())
    assert sum(r.count for r in rows) == 300
    # One row per minute and answer: the run may straddle a minute, never more.
    assert len(rows) <= 4
    assert {r.status for r in rows} == {401, 429}
    # A valid token is not held up by other clients' refused calls.
    assert bearer(issue_token()).get(WBK).status_code == 200
