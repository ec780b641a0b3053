"""The API as a script would use it: token, list, detail, upload, review, withdraw,
file; every refusal in the ``{"error": {"code", "message"}}`` shape."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from rest_framework.test import APIClient

from evidence.models import EvidenceVersion
from tests.evidence import samples


@pytest.fixture
def api(demo):
    def as_user(who=None):
        client = APIClient()
        if who:
            client.force_authenticate(demo["users"][who])
        return client

    return as_user


def post_file(client, item, name="laporan.pdf", data=None, **extra):
    data = samples.pdf(name) if data is None else data
    return client.post(
        reverse("api-evidence-create", args=[item.pk]),
        {"file": samples.upload(name, data), **extra},
        format="multipart",
    )


def error_of(response):
    body = response.json()
    assert set(body) == {"error"}
    assert {"code", "message"} <= set(body["error"])
    return body["error"]


def test_token_auth_round_trip(demo):
    cache.clear()
    client = APIClient()
    response = client.post(
        reverse("api-token"),
        {"email": "PIC.PW@example.org", "password": "zi-demo-2026"},
        format="json",
    )
    assert response.status_code == 200
    token = response.json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    listing = client.get(reverse("api-requirements", args=[2026]))
    assert listing.status_code == 200
    assert {row["area"] for row in listing.json()} == {"PW"}
    bad = APIClient().post(
        reverse("api-token"), {"email": "pic.pw@example.org", "password": "salah"}, format="json"
    )
    assert bad.status_code == 400
    assert error_of(bad) == {
        "code": "invalid_credentials",
        "message": "E-mail atau kata sandi salah.",
    }


def test_token_endpoint_is_rate_limited(demo, settings):
    cache.clear()
    client = APIClient()
    codes = [
        client.post(
            reverse("api-token"), {"email": "pic.pw@example.org", "password": "x"}, format="json"
        ).status_code
        for _ in range(12)
    ]
    assert codes[:10] == [400] * 10
    assert codes[10] == 429
    cache.clear()


def test_anonymous_gets_401_json(demo, item):
    response = APIClient().get(reverse("api-requirement", args=[item.pk]))
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert error_of(response)["code"] == "not_authenticated"
    assert APIClient().get(reverse("api-requirements", args=[2026])).status_code == 401


def test_list_filters_and_fields(api, item):
    post_file(api("pic.pw"), item)
    rows = api("tpi").get(reverse("api-requirements", args=[2026]), {"area": "PW", "quarter": 2})
    assert rows.status_code == 200
    data = rows.json()
    assert len(data) == 5
    row = next(r for r in data if r["id"] == item.pk)
    assert row["text"] == "Laporan monitoring:"
    assert row["area"] == "PW" and row["quarter"] == 2
    assert row["pic"]["name"] == "Irene Septine"
    assert row["status"] == "pending"
    assert row["latest_version"]["version"] == 1
    assert len(api("kepala").get(reverse("api-requirements", args=[2026])).json()) == 77
    assert len(api("pic.tl").get(reverse("api-requirements", args=[2026])).json()) == 8
    missing = api("tpi").get(reverse("api-requirements", args=[2026]), {"status": "missing"})
    assert len(missing.json()) == 76
    bad = api("tpi").get(reverse("api-requirements", args=[2026]), {"quarter": "9"})
    assert bad.status_code == 400 and error_of(bad)["code"] == "invalid"
    assert api("tpi").get(reverse("api-requirements", args=[2031])).status_code == 404


def test_upload_201_and_detail(api, item):
    response = post_file(api("pic.pw"), item, note="Rekap TW II", evidence_date="2026-06-20")
    assert response.status_code == 201
    body = response.json()
    assert body["version"] == 1 and body["filename"] == "laporan.pdf"
    assert body["size"] == len(samples.pdf("laporan.pdf"))
    assert len(body["sha256"]) == 64 and body["status"] == "pending"
    detail = api("pic.pw").get(reverse("api-requirement", args=[item.pk])).json()
    assert detail["status"] == "pending"
    assert [v["version"] for v in detail["versions"]] == [1]
    assert detail["versions"][0]["evidence_date"] == "2026-06-20"


def test_link_upload(api, item):
    response = api("pic.pw").post(
        reverse("api-evidence-create", args=[item.pk]),
        {"url": "https://puspa.komdigi.go.id/berita/sosialisasi", "note": "Publikasi"},
        format="json",
    )
    assert response.status_code == 201 and response.json()["kind"] == "link"
    bad = api("pic.pw").post(
        reverse("api-evidence-create", args=[item.pk]), {"url": "file:///etc/passwd"}, format="json"
    )
    assert bad.status_code == 400
    assert error_of(bad)["code"] == "invalid_url"


@pytest.mark.parametrize(
    ("name", "data", "status", "code"),
    [
        ("laporan.pdf", samples.REFUSED["laporan.pdf"][0], 415, "unsupported_type"),
        ("gambar.png", samples.REFUSED["gambar.png"][0], 415, "unsupported_type"),
        ("kosong.pdf", b"", 400, "empty_file"),
        ("program.pdf", samples.REFUSED["program.pdf"][0], 415, "unsupported_type"),
    ],
)
def test_refusals(api, item, name, data, status, code):
    response = post_file(api("pic.pw"), item, name, data)
    assert response.status_code == status
    error = error_of(response)
    assert error["code"] == code
    assert "PDF, JPEG, PNG" in error["message"] or "kosong" in error["message"]
    assert EvidenceVersion.objects.count() == 0


def test_missing_file_duplicate_and_bad_date(api, item):
    client = api("pic.pw")
    none = client.post(reverse("api-evidence-create", args=[item.pk]), {"note": "x"})
    assert none.status_code == 400 and error_of(none)["code"] == "missing_file"
    assert post_file(client, item, "a.pdf", samples.pdf("same")).status_code == 201
    dup = post_file(client, item, "b.pdf", samples.pdf("same"))
    assert dup.status_code == 409 and error_of(dup)["code"] == "duplicate"
    bad_date = post_file(client, item, "c.pdf", samples.pdf("c"), evidence_date="kemarin")
    assert bad_date.status_code == 400
    assert "Tanggal bukti dukung tidak valid" in error_of(bad_date)["message"]


def test_oversize_upload_is_413(api, item, settings):
    settings.ZI_EVIDENCE_MAX_BYTES = 10_000
    response = post_file(api("pic.pw"), item, "besar.pdf", samples.pdf("x" * 50_000))
    assert response.status_code == 413
    error = error_of(response)
    assert error["code"] == "file_too_large"
    assert "terlalu besar" in error["message"] and "besar.pdf" in error["message"]
    assert EvidenceVersion.objects.count() == 0


def test_upload_permissions(api, item):
    for who in ["kepala", "tpi", "pic.tl"]:
        response = post_file(api(who), item)
        assert response.status_code == 403, who
        assert error_of(response)["code"] == "forbidden"
    assert post_file(api("ketua"), item).status_code == 201


def test_review_and_withdraw(api, item):
    version_id = post_file(api("pic.pw"), item).json()["id"]
    review_url = reverse("api-evidence-review", args=[version_id])
    assert api("pic.pw").post(review_url, {"decision": "approve"}, format="json").status_code == 403
    no_comment = api("tpi").post(review_url, {"decision": "revise"}, format="json")
    assert no_comment.status_code == 400 and error_of(no_comment)["code"] == "comment_required"
    revise = api("tpi").post(
        review_url, {"decision": "revise", "comment": "Kurang tanda tangan"}, format="json"
    )
    assert revise.status_code == 201
    assert revise.json()["decision"] == "revise"
    detail = api("pic.pw").get(reverse("api-requirement", args=[item.pk])).json()
    assert detail["status"] == "revise"
    assert detail["versions"][0]["reviews"][0]["comment"] == "Kurang tanda tangan"
    withdraw_url = reverse("api-evidence-withdraw", args=[version_id])
    assert api("pic.tl").post(withdraw_url, {}, format="json").status_code == 403
    withdrawn = api("pic.pw").post(withdraw_url, {"reason": "Salah berkas"}, format="json")
    assert withdrawn.status_code == 200 and withdrawn.json()["current"] is False
    again = api("pic.pw").post(withdraw_url, {}, format="json")
    assert again.status_code == 409 and error_of(again)["code"] == "already_withdrawn"
    assert (
        api("pic.pw").get(reverse("api-requirement", args=[item.pk])).json()["status"] == "missing"
    )


def test_replacement_through_the_api(api, item):
    first = post_file(api("pic.pw"), item, "a.pdf", samples.pdf("a")).json()
    second = post_file(api("pic.pw"), item, "a2.pdf", samples.pdf("a2"), replaces=first["id"])
    assert second.status_code == 201
    assert second.json()["replaces"] == 1 and second.json()["version"] == 2
    detail = api("pic.pw").get(reverse("api-requirement", args=[item.pk])).json()
    assert [(v["version"], v["current"]) for v in detail["versions"]] == [(2, True), (1, False)]


def test_file_download(api, item):
    data = samples.pdf("unduh")
    version_id = post_file(api("pic.pw"), item, "unduh.pdf", data).json()["id"]
    url = reverse("api-evidence-file", args=[version_id])
    response = api("kepala").get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == data
    assert response["Content-Disposition"] == 'attachment; filename="berkas1-unduh.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert api("pic.tl").get(url).status_code == 403
    assert APIClient().get(url).status_code == 401
    assert api("tpi").get(reverse("api-evidence-file", args=[99999])).status_code == 404


def test_openapi_schema_and_docs_are_served_locally(client, demo):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    text = schema.content.decode()
    for path in [
        "/api/v1/plans/{year}/requirements/",
        "/api/v1/requirements/{id}/",
        "/api/v1/requirements/{id}/evidence/",
        "/api/v1/evidence/{id}/review/",
        "/api/v1/evidence/{id}/withdraw/",
        "/api/v1/evidence/{id}/file/",
        "/api/v1/auth/token/",
    ]:
        assert path in text, path
    docs = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in docs
    assert "cdn" not in docs.lower() and "//unpkg" not in docs
