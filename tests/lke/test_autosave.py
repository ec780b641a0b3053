"""The LKE area page's autosave, server side: the save address answers JSON when
lke-autosave.js asks for it (the page's new texts, or the refusal in Indonesian), who may
save is decided as for a form post, the counts per sub-area add up to the area's count
that *Tugas saya* shows, and the "next unanswered question" link points where it should.

Soal ids come from the bundled master list (``fixtures/lke-zi-2026-master-soal.json``)."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lke import selectors, services
from lke.models import LkeAnswer, LkeAnswerChange, LkeQuestion, Side
from tests.conftest import DEMO_PASSWORD
from tests.multiunit import second_unit_seed, users_b
from workplan.choices import AREA_ORDER
from workplan.models import EvidenceRequirement

YEAR = 2026
CAMPAIGN = 51  # PW, A / B / C: the first question of the PW area
COMPLAINTS_POLICY = 57  # PW, A / B / C
IN_PROGRESS = 111  # PW, Jumlah
IPAK = 125  # Hasil, survey value 0-4
FETCH = {"HTTP_X_REQUESTED_WITH": "fetch", "HTTP_ACCEPT": "application/json"}
DENY_ANSWER = "Jawaban unit pada area LKE ini diisi oleh PIC area perubahan tersebut"
DENY_ASSESS = "Jawaban dan catatan TPI hanya diisi oleh Asesor TPI."


@pytest.fixture
def lke(demo):
    plan = demo["plan"]
    master = selectors.master_for_year(YEAR)
    assert master is not None, "seed_demo loads the 2026 LKE master list"
    return {**demo, "master": master, "unit": plan.unit}


def answer_url(soal_id: int) -> str:
    return reverse("lke:answer", args=[YEAR, soal_id])


def area_url(code: str) -> str:
    return reverse("lke:area", args=[YEAR, code])


def login(client, lke, who: str):
    client.force_login(lke["users"][who])
    return client


def autosave(client, soal_id, *, side="unit", value="", note="", evidence=(), headers=None):
    data = {"side": side, "value": value, "note": note, "support": ""}
    if evidence:
        data["evidence"] = [str(e) for e in evidence]
    return client.post(answer_url(soal_id), data, **(FETCH if headers is None else headers))


def node_of(lke, soal_id: int) -> int:
    return LkeQuestion.objects.get(master=lke["master"], soal_id=soal_id).node_id


def pw_total(lke) -> int:
    return LkeQuestion.objects.filter(master=lke["master"], area_code="PW").count()


def stored(lke, soal_id: int, side=Side.UNIT) -> str | None:
    row = LkeAnswer.objects.filter(
        unit=lke["unit"], question__soal_id=soal_id, question__master=lke["master"], side=side
    ).first()
    return None if row is None else row.value


# --- saving ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [FETCH, {"HTTP_ACCEPT": "application/json"}, {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}],
    ids=["fetch", "accept", "xhr"],
)
def test_json_save_answers_with_the_new_texts(client, lke, headers):
    login(client, lke, "pic.pw")
    pw = EvidenceRequirement.objects.filter(
        cell__quarter__plan=lke["plan"], cell__area__code="PW"
    ).first()
    response = autosave(
        client, CAMPAIGN, value="A", note="Kampanye", evidence=[pw.pk], headers=headers
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    total = pw_total(lke)
    assert body["ok"] is True and body["changed"] is True and body["answered"] is True
    assert body["progress"] == [1, total]
    assert body["badges"] == {"unit": "Unit: 100,00 %", "tpi": "TPI: —"}
    texts = body["texts"]
    assert texts["lke-area-score"].endswith(f"· 1 dari {total} soal dijawab")
    assert texts["lke-jump-count"] == f"1 dari {total} soal dijawab"
    node_total = LkeQuestion.objects.filter(
        master=lke["master"], node_id=node_of(lke, CAMPAIGN)
    ).count()
    assert texts[f"sub-{node_of(lke, CAMPAIGN)}-count"] == f"1 dari {node_total} soal dijawab"
    assert texts["half-pemenuhan-score"].startswith("unit ")
    answer = LkeAnswer.objects.get(question__soal_id=CAMPAIGN, side=Side.UNIT)
    assert (answer.value, answer.note, list(answer.evidence_items.all())) == ("A", "Kampanye", [pw])

    # The same form again: nothing new is kept, and the page still says it is saved.
    again = autosave(client, CAMPAIGN, value="A", note="Kampanye", evidence=[pw.pk]).json()
    assert again["ok"] is True and again["changed"] is False
    assert LkeAnswerChange.objects.filter(answer=answer).count() == 1

    # Cleared again ("Belum dijawab"): no longer counted.
    cleared = autosave(client, CAMPAIGN, value="", note="Kampanye", evidence=[pw.pk]).json()
    assert cleared["answered"] is False and cleared["progress"] == [0, total]


def test_a_plain_form_post_still_redirects(client, lke):
    """Without JavaScript the submit button posts and the page comes back (no JSON)."""
    login(client, lke, "pic.pw")
    response = autosave(client, CAMPAIGN, value="B", headers={})
    assert response.status_code == 302
    assert response["Location"] == f"{area_url('PW')}#soal-{CAMPAIGN}"
    assert stored(lke, CAMPAIGN) == "B"


def test_tpi_autosaves_the_assessment(client, lke):
    login(client, lke, "tpi")
    body = autosave(client, CAMPAIGN, side="tpi", value="C").json()
    assert body["ok"] is True and body["side"] == "tpi"
    assert body["badges"]["tpi"] == "TPI: 0,00 %"
    assert body["answered"] is False  # the count is the unit's answers
    assert stored(lke, CAMPAIGN, Side.TPI) == "C"


def test_ketua_autosaves_a_hasil_value(client, lke):
    login(client, lke, "ketua")
    body = autosave(client, IPAK, value="3,5").json()
    total = LkeQuestion.objects.filter(master=lke["master"], area_code="").count()
    assert body["ok"] is True and body["progress"] == [1, total]
    assert body["texts"]["lke-area-score"].startswith("Birokrasi bersih dan akuntabel")
    assert stored(lke, IPAK) == "3.50"


# --- refusals ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("soal_id", "value", "message"),
    [
        (
            IN_PROGRESS,
            "1.5",
            f"Soal {IN_PROGRESS} meminta jumlah: isi bilangan bulat 0 atau lebih tanpa titik "
            "atau koma (bukan “1.5”).",
        ),
        (
            CAMPAIGN,
            "Z",
            f"Jawaban “Z” tidak dikenal untuk soal {CAMPAIGN}. Pilihan yang diterima: A / B / C.",
        ),
    ],
    ids=["count", "choice"],
)
def test_a_bad_value_is_refused_in_indonesian(client, lke, soal_id, value, message):
    login(client, lke, "pic.pw")
    response = autosave(client, soal_id, value=value)
    assert response.status_code == 400
    assert response.json() == {"ok": False, "error": message}
    assert stored(lke, soal_id) is None


def test_evidence_of_another_area_is_refused(client, lke):
    login(client, lke, "pic.pw")
    tl = EvidenceRequirement.objects.filter(
        cell__quarter__plan=lke["plan"], cell__area__code="TL"
    ).first()
    response = autosave(client, CAMPAIGN, value="A", evidence=[tl.pk])
    assert response.status_code == 400
    assert "bukan milik area ini" in response.json()["error"]
    assert stored(lke, CAMPAIGN) is None


# --- who may save ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "soal_id", "side", "value", "denial"),
    [
        ("pic.tl", CAMPAIGN, "unit", "A", DENY_ANSWER),  # the PIC of another area
        ("kepala", CAMPAIGN, "unit", "A", DENY_ANSWER),
        ("pic.pw", CAMPAIGN, "tpi", "A", DENY_ASSESS),  # the unit may not assess itself
        ("pic.pw", IPAK, "unit", "3", "Komponen Hasil LKE diisi oleh Ketua Tim ZI."),
    ],
)
def test_someone_without_the_right_gets_403_with_the_reason(
    client, lke, who, soal_id, side, value, denial
):
    login(client, lke, who)
    response = autosave(client, soal_id, side=side, value=value)
    assert response.status_code == 403
    body = response.json()
    assert body["ok"] is False and denial in body["error"]
    assert not LkeAnswer.objects.filter(question__soal_id=soal_id).exists()


def test_a_pic_of_another_unit_writes_only_their_own_units_answer(client, lke):
    """Unit B's PW PIC posting the same address saves unit B's answer (the year's plan
    is the one of the person's unit); the demo unit's answer stays untouched."""
    second_unit_seed(DEMO_PASSWORD)
    client.force_login(users_b()["pic.pw"])
    body = autosave(client, CAMPAIGN, value="A").json()
    assert body["ok"] is True and body["progress"][0] == 1
    assert stored(lke, CAMPAIGN) is None
    assert LkeAnswer.objects.get(question__soal_id=CAMPAIGN).unit.code == "UNIT-UJI-B"


def test_an_unknown_question_is_404_in_json(client, lke):
    login(client, lke, "pic.pw")
    response = autosave(client, 99999, value="A")
    assert response.status_code == 404
    assert response.json()["error"] == "Soal 99999 tidak ada di master soal LKE ini."


def test_anonymous_is_sent_to_sign_in(client, lke):
    response = autosave(client, CAMPAIGN, value="A")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert not LkeAnswer.objects.exists()


# --- counts and the next question --------------------------------------------------------


def sub_counts(html: str) -> dict[int, tuple[int, int]]:
    found = re.findall(r'id="sub-(\d+)-count"[^>]*>(\d+) dari (\d+) soal dijawab<', html)
    return {int(node): (int(a), int(n)) for node, a, n in found}


def next_link(html: str) -> str:
    m = re.search(r'<a class="btn btn-small lke-jump-next" id="lke-next" href="([^"]+)"', html)
    assert m, "no next-question link"
    return m.group(1)


def test_sub_area_counts_add_up_to_the_area_and_to_tugas_saya(client, lke):
    for soal_id, value in ((CAMPAIGN, "A"), (COMPLAINTS_POLICY, "B"), (IN_PROGRESS, "4")):
        services.answer_save(
            unit=lke["unit"],
            question=LkeQuestion.objects.get(master=lke["master"], soal_id=soal_id),
            side=Side.UNIT,
            user=lke["users"]["pic.pw"],
            value=value,
        )
    # A note without a value is not an answer, on every page.
    services.answer_save(
        unit=lke["unit"],
        question=LkeQuestion.objects.get(master=lke["master"], soal_id=52),
        side=Side.UNIT,
        user=lke["users"]["pic.pw"],
        value="",
        note="Belum lengkap",
    )
    login(client, lke, "pic.pw")
    html = client.get(area_url("PW")).content.decode()
    counts = sub_counts(html)
    total = pw_total(lke)
    assert sum(a for a, _n in counts.values()) == 3
    assert sum(n for _a, n in counts.values()) == total
    assert counts[node_of(lke, CAMPAIGN)][0] >= 1
    assert f"3 dari {total} soal dijawab" in html
    tasks = {
        t["code"]: t for t in selectors.lke_tasks(user=lke["users"]["pic.pw"], plan=lke["plan"])
    }
    assert (tasks["PW"]["answered"], tasks["PW"]["total"]) == (3, total)
    # Every area and the Hasil part: the sub-areas add up to the area's count.
    for code in [*AREA_ORDER, ""]:
        by_node = selectors.soal_progress_by_node(
            plan=lke["plan"], master=lke["master"], area_code=code
        )
        area = selectors.soal_progress(plan=lke["plan"], codes={code})[code]
        assert (sum(a for a, _ in by_node.values()), sum(n for _, n in by_node.values())) == area


def test_the_next_unanswered_link(client, lke):
    login(client, lke, "pic.pw")
    html = client.get(area_url("PW")).content.decode()
    assert next_link(html) == f"#soal-{CAMPAIGN}"
    assert "Soal berikutnya yang belum dijawab" in html
    autosave(client, CAMPAIGN, value="A")
    assert next_link(client.get(area_url("PW")).content.decode()) == "#soal-52"
    # Someone who only reads the page has no link to answer.
    login(client, lke, "kepala")
    assert 'id="lke-next"' not in client.get(area_url("PW")).content.decode()


def test_the_page_loads_the_script_without_inline_code(client, lke):
    login(client, lke, "pic.pw")
    response = client.get(area_url("PW"))
    html = response.content.decode()
    assert "/static/js/lke-autosave" in html
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    for attrs, _content in scripts:
        assert "src=" in attrs or 'type="application/json"' in attrs, attrs
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    # The buttons are there for a browser without JavaScript.
    assert html.count("Simpan jawaban unit") == pw_total(lke)
    assert 'data-autosave="u51"' in html and 'id="u51-state"' in html


def test_json_save_query_count_does_not_grow(client, lke):
    login(client, lke, "pic.pw")
    autosave(client, IN_PROGRESS, value="0")  # warm the caches; the row exists from now

    def queries(value: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert autosave(client, IN_PROGRESS, value=value).status_code == 200
        return len(captured)

    small = queries("1")
    autosave(client, CAMPAIGN, value="A")
    for soal_id in [s for s in range(52, 69) if s != 58]:  # 58 is Ya / Tidak
        autosave(client, soal_id, value="A")
    large = queries("2")
    assert large == small
    assert small <= 45, small
