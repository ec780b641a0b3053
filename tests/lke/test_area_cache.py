"""The LKE area page is cached whole (``lke.area_cache``), and what each viewer sees is
still current and their own: a saved answer and the evidence it picks are on the next
page, not the stored one; an upload or a review in the plan changes the picker's badges;
viewers with other rights on the area (the PIC who answers, the TPI who assesses, readers)
each get their own page, whoever came first; a page served from the cache carries the
viewer's own CSRF token, so a save posted with it is accepted; and an English reader gets
an English page after an Indonesian one was stored.

Soal 51 is the first question of the PW area (A / B / C: 100 %, 50 %, 0 %), in the
bundled master list (``fixtures/lke-zi-2026-master-soal.json``)."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from evidence import services as evidence_services
from lke import area_cache, selectors
from lke.models import LkeAnswer, LkeQuestion, Side
from tests.evidence import samples
from tests.multiunit import UNIT_A
from workplan.models import EvidenceRequirement

pytestmark = pytest.mark.django_db

YEAR = 2026
CAMPAIGN = 51  # PW, A / B / C
AREA = reverse("lke:area", args=[YEAR, "PW"])
ANSWER = reverse("lke:answer", args=[YEAR, CAMPAIGN])
FETCH = {"HTTP_X_REQUESTED_WITH": "fetch", "HTTP_ACCEPT": "application/json"}
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
UNIT_FORM = 'class="form lke-form" data-autosave="u51"'
TPI_FORM = 'class="form lke-form" data-autosave="t51"'
READ_ONLY = "Anda dapat membaca LKE area ini."


@pytest.fixture
def builds(monkeypatch):
    """How many times the area page's body was built (not served from the cache)."""
    calls = []
    build = area_cache.area_context

    def counted(**kwargs):
        calls.append(kwargs["user"])
        return build(**kwargs)

    monkeypatch.setattr(area_cache, "area_context", counted)
    return calls


def signed_in(user, *, csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    client.force_login(user)
    return client


def page(client) -> str:
    response = client.get(AREA)
    assert response.status_code == 200
    return response.content.decode()


def article(html: str, soal_id: int = CAMPAIGN) -> str:
    m = re.search(rf'<article[^>]*id="soal-{soal_id}".*?</article>', html, re.S)
    assert m, f"soal {soal_id} is not on the page"
    return m.group(0)


def badge(html: str) -> str:
    m = re.search(rf'data-testid="value-unit-{CAMPAIGN}">([^<]*)<', html)
    assert m, "no unit badge"
    return m.group(1)


def checked(html: str, input_id: str) -> bool:
    m = re.search(rf'<input [^>]*id="{re.escape(input_id)}"[^>]*>', html)
    assert m, f"no input {input_id}"
    return re.search(r"\bchecked\b", m.group(0)) is not None


def picked_count(html: str) -> int:
    m = re.search(r"Bukti dukung di portal \((\d+) dipilih\)", article(html))
    assert m, "no evidence picker in the question"
    return int(m.group(1))


def post(client, value="", *, evidence=(), versions=(), headers=None, token=None):
    data = {"side": "unit", "value": value, "note": "", "support": ""}
    data["evidence"] = [str(pk) for pk in evidence]
    data["version"] = [str(pk) for pk in versions]
    if token is not None:
        data["csrfmiddlewaretoken"] = token
    return client.post(ANSWER, data, **(headers or {}))


def pw_items(n: int) -> list[EvidenceRequirement]:
    """``n`` PW items of the demo plan that hold no version yet."""
    items = EvidenceRequirement.objects.filter(
        cell__quarter__plan__year=YEAR, cell__area__code="PW", versions__isnull=True
    ).filter(cell__quarter__plan__unit__code=UNIT_A)
    found = list(items.order_by("cell__quarter__number", "order")[:n])
    assert len(found) == n
    return found


def upload(item, user, name="laporan.pdf"):
    return evidence_services.evidence_upload_file(
        requirement=item, user=user, upload=samples.upload(name, samples.pdf(name))
    )


def stored_value(demo) -> str | None:
    question = LkeQuestion.objects.get(master=selectors.master_for_year(YEAR), soal_id=CAMPAIGN)
    row = LkeAnswer.objects.filter(
        unit=demo["plan"].unit, question=question, side=Side.UNIT
    ).first()
    return None if row is None else row.value


@pytest.mark.parametrize("how", ["form", "autosave"])
def test_a_saved_answer_is_on_the_next_page_not_the_stored_one(demo, builds, how):
    users = demo["users"]
    pic, reader = signed_in(users["pic.pw"]), signed_in(users["kepala"])
    before = page(pic)
    page(pic)
    assert len(builds) == 1  # the second time, from the cache
    assert checked(article(before), "u51-none") and badge(before) == "Unit: —"
    assert "<strong>Belum dijawab</strong>" in article(page(reader))

    for value, shown in (("A", "Unit: 100,00 %"), ("B", "Unit: 50,00 %")):
        response = post(pic, value, headers=FETCH if how == "autosave" else None)
        assert response.status_code == (200 if how == "autosave" else 302)
        html = article(page(pic))
        assert checked(html, f"u51-{value}"), f"the page does not show the saved {value}"
        assert not checked(html, "u51-none")
        assert [k for k in "ABC" if checked(html, f"u51-{k}")] == [value]
        assert badge(html) == shown
        assert re.search(rf"<strong>{value} · [^<]+</strong>", article(page(reader)))
    assert stored_value(demo) == "B"
    lead = re.search(r'id="lke-area-score"[^>]*>([^<]*)<', page(pic)).group(1)
    assert "· 1 dari " in lead, "the area's count is the stored page's"


def test_picked_evidence_is_checked_after_reload_with_the_right_count(demo, builds):
    users = demo["users"]
    one, two, three = pw_items(3)
    version = upload(three, users["pic.pw"])
    pic, reader = signed_in(users["pic.pw"]), signed_in(users["kepala"])
    assert picked_count(page(pic)) == 0

    assert post(pic, "A", evidence=[one.pk]).status_code == 302
    html = article(page(pic))
    assert checked(html, f"u51-ev{one.pk}") and picked_count(html) == 1
    assert f"u51-ev{two.pk}" not in html

    # Only the picks change (the value stays A): the page still follows.
    assert post(pic, "A", evidence=[one.pk, two.pk]).status_code == 302
    html = article(page(pic))
    assert checked(html, f"u51-ev{one.pk}") and checked(html, f"u51-ev{two.pk}")
    assert picked_count(html) == 2, "the count is the stored page's"

    assert post(pic, "A", evidence=[one.pk], versions=[version.pk]).status_code == 302
    html = article(page(pic))
    assert checked(html, f"u51-ev{one.pk}") and checked(html, f"u51-v{version.pk}")
    assert f"u51-ev{two.pk}" not in html and not checked(html, f"u51-ev{three.pk}")
    assert picked_count(html) == 2
    links = article(page(reader))
    assert f'href="/butir/{one.pk}/"' in links and f"/butir/{three.pk}/#v" in links
    assert f'href="/butir/{two.pk}/"' not in links

    assert post(pic, "A").status_code == 302
    html = article(page(pic))
    assert picked_count(html) == 0 and f"u51-ev{one.pk}" not in html
    assert f"/butir/{one.pk}/" not in article(page(reader))


def expect_own_page(who: str, html: str) -> None:
    if who == "pic.pw":  # answers for the unit
        assert UNIT_FORM in html and TPI_FORM not in html, who
        assert 'id="lke-evidence-choices"' in html and READ_ONLY not in html, who
    elif who == "tpi":  # assesses
        assert TPI_FORM in html and UNIT_FORM not in html, who
        assert 'id="lke-evidence-choices"' not in html and READ_ONLY not in html, who
    else:  # reads only
        assert 'class="form lke-form"' not in html, f"{who} got a page with a form"
        assert READ_ONLY in html and 'id="lke-evidence-choices"' not in html, who


@pytest.mark.parametrize("order", ["pic first", "readers first"])
def test_viewers_with_other_rights_each_get_their_own_page_in_either_order(demo, builds, order):
    viewers = ["pic.pw", "tpi", "kepala", "pic.tl"]
    if order == "readers first":
        viewers.reverse()
    clients = {who: signed_in(demo["users"][who]) for who in viewers}
    for who in viewers:
        expect_own_page(who, page(clients[who]))
    built = len(builds)
    assert built <= len(viewers)
    for who in viewers:  # again, every page from the cache
        expect_own_page(who, page(clients[who]))
    assert len(builds) == built, "the pages were not served from the cache"


def test_a_page_served_from_the_cache_carries_the_viewers_own_csrf_token(demo, builds):
    users = demo["users"]
    pic, ketua = signed_in(users["pic.pw"], csrf=True), signed_in(users["ketua"], csrf=True)
    first = article(page(pic))
    second = article(page(ketua))
    assert len(builds) == 1, "the Ketua's page (same rights as the PIC's) was built again"
    assert area_cache.CSRF_MARK not in second
    own, foreign = TOKEN.search(second).group(1), TOKEN.search(first).group(1)

    refused = post(ketua, "A", token=foreign)
    assert refused.status_code == 403 and stored_value(demo) is None
    accepted = post(ketua, "A", token=own)
    assert accepted.status_code == 302, "the token in a cached page is not the viewer's"
    assert accepted["Location"] == f"{AREA}#soal-{CAMPAIGN}"
    assert stored_value(demo) == "A"
    # The PIC's own token still works for the PIC after the Ketua's save.
    assert post(pic, "B", token=TOKEN.search(article(page(pic))).group(1)).status_code == 302
    assert stored_value(demo) == "B"


def choice_badge(html: str, item: EvidenceRequirement) -> str:
    """The status class of ``item`` in the picker's list of the area's items."""
    template = re.search(r'<template id="lke-evidence-choices">(.*?)</template>', html, re.S)
    assert template, "no picker list on the page"
    m = re.search(
        rf'name="evidence" value="{item.pk}"><label>.*?class="badge st st-(\w+)"',
        template.group(1),
        re.S,
    )
    assert m, f"item {item.pk} is not in the picker"
    return m.group(1)


def test_an_upload_and_a_review_in_the_plan_change_the_pickers_badge(demo, builds):
    users = demo["users"]
    (item,) = pw_items(1)
    pic = signed_in(users["pic.pw"])
    assert post(pic, "A", evidence=[item.pk]).status_code == 302
    html = page(pic)
    assert choice_badge(html, item) == "missing"
    assert 'class="badge st st-missing"' in article(html)

    version = upload(item, users["pic.pw"])
    html = page(pic)
    assert choice_badge(html, item) == "pending", "the upload is not on the page"
    assert checked(article(html), f"u51-ev{item.pk}")
    assert f'id="u51-v{version.pk}"' in article(html)
    assert 'class="badge st st-pending"' in article(html)

    evidence_services.evidence_review(version=version, user=users["tpi"], decision="approve")
    html = page(pic)
    assert choice_badge(html, item) == "approved", "the review is not on the page"
    assert 'class="badge st st-approved"' in article(html)


@pytest.mark.parametrize("how", ["preference", "cookie"])
def test_an_english_reader_gets_an_english_page_after_an_indonesian_one(demo, builds, how):
    users = demo["users"]
    assert "Simpan jawaban unit" in page(signed_in(users["pic.pw"]))
    ketua = users["ketua"]  # the same rights on PW as the PIC
    if how == "preference":
        ketua.preferred_language = "en"
        ketua.save(update_fields=["preferred_language"])
    english = signed_in(ketua)
    if how == "cookie":
        english.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = page(english)
    assert "Save unit answer" in html, "an English reader got the Indonesian page"
    assert "Simpan jawaban unit" not in html
    assert "Simpan jawaban unit" in page(signed_in(users["pic.pw"]))


def test_the_tpis_assessment_is_on_the_pics_next_page(demo, builds):
    users = demo["users"]
    pic = signed_in(users["pic.pw"])
    tpi_side = article(page(pic)).partition('<div class="lke-side lke-side-tpi">')[2]
    assert "<strong>Belum dinilai</strong>" in tpi_side
    data = {"side": "tpi", "value": "C", "note": "Belum ada kampanye berkala"}
    assert signed_in(users["tpi"]).post(ANSWER, data).status_code == 302
    html = article(page(pic))
    tpi_side = html.partition('<div class="lke-side lke-side-tpi">')[2]
    assert re.search(r"<strong>C · [^<]+</strong>", tpi_side), "the stored page was served"
    assert "Belum ada kampanye berkala" in tpi_side and "TPI: 0,00 %" in html


def test_the_last_editors_new_name_is_on_the_next_page(demo, builds):
    users = demo["users"]
    pic = signed_in(users["pic.pw"])
    assert post(pic, "A").status_code == 302
    assert f"diubah {users['pic.pw'].name}," in article(page(pic))
    users["pic.pw"].name = "Irene Berganti Nama"
    users["pic.pw"].save(update_fields=["name"])
    assert "diubah Irene Berganti Nama," in article(page(pic)), (
        "BUG (lke/area_cache.py): the answer's editor (updated_by.name, shown as "
        "'diubah <name>, <date>') is not in the page's key, so a renamed user keeps "
        "their old name on the cached area page until an answer of the unit changes"
    )
