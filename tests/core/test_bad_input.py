"""Input the portal cannot read gets a 400 with the usual Indonesian message, in the
shape of where it was sent; never a 500."""

from __future__ import annotations

import pytest
from django.test import Client

from zi_portal.core.parsing import whole_number

MESSAGE = "Permintaan tidak dapat dibaca"


@pytest.fixture
def ketua(demo):
    client = Client(raise_request_exception=False)
    client.force_login(demo["users"]["ketua"])
    return client


@pytest.fixture
def pic(demo):
    client = Client(raise_request_exception=False)
    client.force_login(demo["users"]["pic.tl"])
    return client


def test_whole_number_reads_only_ascii_digits():
    assert whole_number("42") == 42 and whole_number(" 7 ") == 7
    for bad in ("²", "٣", "-1", "1e3", "abc", "", None, "9" * 19, "4\x002"):
        assert whole_number(bad) is None, bad


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    ["/rencana/2026/?area=%00", "/temuan/?pj=%00", "/rencana/2026/?q=%FF%FE", "/laporan/?x=a%00b"],
)
def test_nul_or_non_utf8_in_a_page_query_is_400_html(ketua, url):
    answer = ketua.get(url)
    assert answer.status_code == 400
    assert answer["Content-Type"].startswith("text/html")
    assert MESSAGE in answer.content.decode()


@pytest.mark.django_db
def test_nul_in_an_api_query_or_json_body_is_400_json(pic):
    answer = pic.get("/api/v1/plans/2026/requirements/?area=PW%00")
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "bad_request"
    assert MESSAGE in answer.json()["error"]["message"]
    posted = pic.post(
        "/api/v1/auth/token/",
        '{"email": "a\\u0000@x.org", "password": "x"}',
        content_type="application/json",
    )
    assert posted.status_code == 400 and posted.json()["error"]["code"] == "bad_request"


@pytest.mark.django_db
def test_nul_in_a_form_post_is_400(ketua):
    answer = ketua.post("/temuan/baru/", {"judul": "a\x00b"})
    assert answer.status_code == 400
    assert MESSAGE in answer.content.decode()


@pytest.mark.django_db
def test_portalrb_gets_its_own_error_shape():
    answer = Client().get("/api/portalrb/pengusulan/unit-wbk?tahun=%00")
    assert answer.status_code == 400
    body = answer.json()
    assert body["error"] is True and body["code"] == "bad_request"


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["abc", "²", "99999999999999999999999", "-5"])
def test_the_api_refuses_a_malformed_replaces(demo, pic, value):
    from workplan.models import EvidenceRequirement

    item = EvidenceRequirement.objects.filter(
        cell__quarter__plan=demo["plan"], cell__area__code="TL"
    ).first()
    answer = pic.post(
        f"/api/v1/requirements/{item.pk}/evidence/",
        {
            "url": "https://example.org/a",
            "note": "x",
            "evidence_date": "2026-03-02",
            "replaces": value,
        },
    )
    assert answer.status_code == 400, answer.content
    assert "error" in answer.json()


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["²", "99999999999999999999999", "abc"])
def test_the_upload_page_refuses_a_malformed_replaces(demo, pic, value):
    from workplan.models import EvidenceRequirement

    item = EvidenceRequirement.objects.filter(
        cell__quarter__plan=demo["plan"], cell__area__code="TL"
    ).first()
    answer = pic.post(
        f"/butir/{item.pk}/unggah/",
        {"url": "https://example.org/a", "note": "x", "replaces": value},
    )
    assert answer.status_code in (302, 400, 404), answer.status_code


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["²", "٣", "99999999999999999999999"])
def test_superscript_and_huge_numbers_in_queries_are_not_500(ketua, pic, value):
    for client, url in (
        (ketua, f"/?tahun={value}"),
        (ketua, f"/temuan/?pj={value}"),
        (pic, f"/api/v1/plans/2026/requirements/?quarter={value}"),
    ):
        assert client.get(url).status_code < 500, url
