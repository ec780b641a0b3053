"""The portal search (/cari/): what each kind finds, that nobody finds what they may not
open (another area's files for a PIC, another unit's rows for anyone), the messages of
an empty or too short query, escaping, and a query count that does not grow."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from evidence import services as evidence_services
from evidence.models import EvidenceVersion
from findings import services as finding_services
from findings.models import Finding
from search import selectors
from tests import isolation
from tests.evidence import samples
from tests.multiunit import UNIT_A, UNIT_B, users_b
from workplan.models import CommitmentCell, EvidenceRequirement, Pokja, PokjaMember
from zi_portal.accounts.roles import Role
from zi_portal.accounts.services import user_ensure

URL = reverse("search:results")


def search(client, user, q: str, **params):
    client.force_login(user)
    return client.get(URL, {"q": q, **params})


def section(response, kind: str) -> str:
    """The HTML of one kind's result group ('' when the kind found nothing)."""
    body = response.content.decode()
    found = re.search(rf'<section[^>]*data-kind="{kind}".*?</section>', body, re.S)
    return found.group(0) if found else ""


def item(unit: str, quarter: int, area: str, order: int = 1) -> EvidenceRequirement:
    return EvidenceRequirement.objects.get(
        cell__quarter__plan__unit__code=unit,
        cell__quarter__number=quarter,
        cell__area__code=area,
        order=order,
    )


def upload(requirement, user, name: str, note: str = "") -> EvidenceVersion:
    return evidence_services.evidence_upload_file(
        requirement=requirement,
        upload=samples.upload(name, samples.pdf(f"{name}-{requirement.pk}-{note}")),
        user=user,
        note=note,
    )


def finding(plan, *, by, owner, description: str, area: str = "PW") -> Finding:
    cell = CommitmentCell.objects.get(quarter__plan=plan, quarter__number=1, area__code=area)
    return finding_services.finding_record(
        plan=plan,
        user=by,
        description=description,
        recommendation="Mintakan tanda tangan Kepala Pusbang.",
        owner=owner,
        due_date=timezone.localdate() + timedelta(days=14),
        cell=cell,
    )


@pytest.fixture
def users(demo):
    """The demo's accounts and a member of the PW pokja (``anggota``)."""
    member, _created = user_ensure(
        email="anggota.pw@example.org",
        name="Rekan Pokja Pengawasan",
        role=Role.MEMBER,
        password="Sandi-Uji-2026!",
        unit=demo["plan"].unit,
    )
    pokja = Pokja.objects.get(plan=demo["plan"], area__code="PW")
    PokjaMember.objects.get_or_create(pokja=pokja, user=member)
    return {**demo["users"], "anggota": member}


# --- who may open the page ----------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in(client, demo):
    response = client.get(URL, {"q": "laporan"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_header_has_the_search_box(client, users):
    client.force_login(users["pic.pw"])
    body = client.get(reverse("evidence:matrix", args=[2026])).content.decode()
    assert 'role="search"' in body and f'action="{URL}"' in body
    assert '<label for="head-q"' in body


def test_an_empty_box_explains_what_can_be_searched(client, users):
    response = search(client, users["anggota"], "")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Apa yang dapat dicari?" in body
    assert "soal LKE" in body and "temuan" in body
    assert 'data-kind="' not in body


@pytest.mark.parametrize("q", ["a", " x ", "a b"])
def test_a_too_short_query_says_so(client, users, q):
    response = search(client, users["ketua"], q)
    assert response.status_code == 200
    assert "Kata kunci terlalu pendek" in response.content.decode()
    assert 'data-kind="' not in response.content.decode()


def test_a_query_without_letters_says_so(client, users):
    response = search(client, users["ketua"], "!!!")
    assert "Kata kunci harus memuat huruf atau angka." in response.content.decode()


# --- each kind ---------------------------------------------------------------------------------


def test_plan_items_outputs_and_activities(client, users):
    response = search(client, users["pic.pw"], "gratifikasi")
    items = section(response, "items")
    # TW II PW item 5 "Laporan monitoring:" has the sub-point "Pengendalian gratifikasi".
    requirement = EvidenceRequirement.objects.get(
        cell__quarter__plan__unit__code=UNIT_A,
        cell__quarter__number=2,
        cell__area__code="PW",
        text="Laporan monitoring:",
    )
    assert reverse("evidence:item", args=[requirement.pk]) in items
    assert "<mark>gratifikasi</mark>" in items
    outputs = section(response, "outputs")
    assert "Evaluasi dan tindak lanjut hasil monev:" in outputs
    assert reverse("evidence:area", args=[2026, "PW"]) in outputs
    activities = section(search(client, users["pic.pw"], "komitmen bersama"), "activities")
    assert "Penguatan <mark>komitmen</mark> <mark>bersama</mark>" in activities
    assert reverse("monev:activities", args=[2026]) + "#area-MP" in activities


def test_another_areas_item_links_to_the_area_page_not_to_its_files(client, users):
    """A PIC of PW sees the whole plan, but the page of a TL item (its files) is not
    theirs: the result links to the TL area page instead."""
    tl_item = item(UNIT_A, 1, "TL")
    response = search(client, users["pic.pw"], tl_item.text)
    items = section(response, "items")
    assert reverse("evidence:area", args=[2026, "TL"]) in items
    assert reverse("evidence:item", args=[tl_item.pk]) + '"' not in items


def test_files_by_name_and_note(client, users):
    version = upload(item(UNIT_A, 1, "PW"), users["pic.pw"], "Notulen_rapat-zebra_TW1.pdf",
                     note="Ditandatangani kepala")  # fmt: skip
    for q in ["zebra", "notulen zeb", "tw1", "ditandatangani", "ZEBRA.pdf"]:
        files = section(search(client, users["ketua"], q), "files")
        assert reverse("evidence:item", args=[version.requirement_id]) in files, q
        assert "Notulen_rapat-zebra_TW1.pdf" in files.replace("<mark>", "").replace("</mark>", "")
    files = section(search(client, users["ketua"], "zebra"), "files")
    assert "Notulen_rapat-<mark>zebra</mark>_TW1.pdf" in files
    assert "Menunggu reviu" in files or "Menunggu reviu" in files


def test_links_are_found_by_their_address(client, users):
    evidence_services.evidence_register_link(
        requirement=item(UNIT_A, 1, "MP", 6),
        url="https://instagram.com/p/budaya-kerja-kijang",
        user=users["pic.mp"],
    )
    files = section(search(client, users["kepala"], "kijang"), "files")
    assert "https://instagram.com/p/budaya-kerja-<mark>kijang</mark>" in files


def test_lke_questions(client, users):
    lke = section(search(client, users["pic.mp"], "membentuk tim"), "lke")
    assert "Unit kerja telah <mark>membentuk</mark> <mark>tim</mark>" in lke
    assert reverse("lke:answer", args=[2026, 1]) in lke


def test_findings_for_reviewers_and_their_owner_only(client, users, demo):
    record = finding(
        demo["plan"], by=users["tpi"], owner=users["pic.pw"],
        description="Kabel jaringan ruang arsip terkelupas.",
    )  # fmt: skip
    link = reverse("findings:detail", args=[record.pk])
    for who in ["ketua", "kepala", "tpi", "pic.pw"]:
        assert link in section(search(client, users[who], "terkelupas"), "findings"), who
    for who in ["pic.tl", "anggota"]:
        assert section(search(client, users[who], "terkelupas"), "findings") == "", who


def test_matched_text_is_escaped(client, users, demo):
    finding(
        demo["plan"], by=users["ketua"], owner=users["pic.pw"],
        description='<script>alert("x")</script> dokumen <b>kurang</b> lengkap',
    )  # fmt: skip
    body = search(client, users["ketua"], "kurang").content.decode()
    assert "<script>alert" not in body and "<b>kurang" not in body
    assert "&lt;b&gt;<mark>kurang</mark>&lt;/b&gt;" in body


def test_results_are_limited_and_counted(client, users, monkeypatch):
    monkeypatch.setattr(selectors, "LIMIT", 5)
    response = search(client, users["ketua"], "dokumen")
    items = section(response, "items")
    total = EvidenceRequirement.objects.filter(
        cell__quarter__plan__unit__code=UNIT_A, text__icontains="dokumen"
    ).count()
    assert total > 5
    assert items.count("<li>") == 5
    assert f'<span class="badge">{total}</span>' in items
    assert f"Menampilkan 5 dari {total}." in items


# --- scope ---------------------------------------------------------------------------------------


def test_a_pic_never_finds_another_areas_file_names(client, users):
    upload(item(UNIT_A, 1, "PW"), users["pic.pw"], "SK-hukuman-disiplin-qorvex.pdf")
    assert "qorvex" in section(search(client, users["ketua"], "qorvex"), "files")
    assert "qorvex" in section(search(client, users["anggota"], "qorvex"), "files")  # PW member
    for who in ["pic.tl", "pic.mp", "pic.sdm"]:
        response = search(client, users[who], "qorvex")
        assert response.status_code == 200
        assert section(response, "files") == "", who
        assert "SK-hukuman" not in response.content.decode(), who


def test_a_unit_never_finds_another_units_rows(client, users, demo):
    upload(item(UNIT_A, 1, "PW"), users["pic.pw"], "berita-acara-walabi.pdf")
    finding(demo["plan"], by=users["tpi"], owner=users["pic.pw"], description="Walabi lepas.")
    people_b = users_b()
    for who in ["ketua", "kepala", "tpi", "pic.pw", "anggota"]:
        response = search(client, people_b[who], "walabi")
        assert response.status_code == 200
        assert "Walabi lepas" not in response.content.decode(), who
        assert "berita-acara" not in response.content.decode(), who
    # The plans hold the same texts: B's Ketua finds B's items, never A's.
    body = search(client, people_b["ketua"], "laporan monitoring").content.decode()
    ids = {int(pk) for pk in re.findall(r'href="/butir/(\d+)/', body)}
    assert ids
    units = set(
        EvidenceRequirement.objects.filter(pk__in=ids).values_list(
            "cell__quarter__plan__unit__code", flat=True
        )
    )
    assert units == {UNIT_B}
    # Asking for unit A's year does not reach unit A either.
    assert search(client, people_b["ketua"], "walabi", tahun="2026").status_code == 200


def test_unit_b_finds_none_of_unit_as_marked_rows(client, users):
    """Unit A's marked objects of every kind (tests/isolation.py): A's Ketua finds them,
    none of B's people sees a trace of them (nor A's people's names)."""
    secrets = isolation.a_secrets()
    found = search(client, users["ketua"], "rahasia")
    assert section(found, "files") and section(found, "findings")
    markers = isolation.markers(secrets)
    for who, person in users_b().items():
        response = search(client, person, "rahasia")
        assert response.status_code == 200, who
        assert isolation.leaks(response.content, response["Content-Type"], markers) == [], who


# --- queries -------------------------------------------------------------------------------------


def queries_of(client, user, q: str) -> int:
    client.force_login(user)
    client.get(URL, {"q": q})  # warm the caches (session, parsed master list)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, {"q": q})
    assert response.status_code == 200
    return len(queries)


def test_query_count_does_not_grow(client, users, demo):
    def grow(n: int) -> None:
        for code in ["PW", "TL"]:
            pic = users[f"pic.{code.lower()}"]
            for order in (1, 2):
                for k in range(n):
                    name = f"laporan-{code}-{order}-{k}-{n}.pdf"
                    upload(item(UNIT_A, 1, code, order), pic, name)
            finding(
                demo["plan"],
                by=users["tpi"],
                owner=pic,
                description=f"Laporan {code} {n}",
                area=code,
            )

    grow(1)
    small = {who: queries_of(client, users[who], "laporan") for who in ["ketua", "pic.pw"]}
    grow(6)
    large = {who: queries_of(client, users[who], "laporan") for who in ["ketua", "pic.pw"]}
    assert large == small
    assert max(small.values()) <= 20


def test_words_match_from_their_start(client, users):
    """'lapor' finds 'Laporan …' on every database; PostgreSQL does it with full-text
    search in the ``simple`` configuration."""
    client.force_login(users["ketua"])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, {"q": "lapor monitor"})
    assert "<mark>Lapor</mark>an <mark>monitor</mark>ing:" in section(response, "items")
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    if connection.vendor == "postgresql":
        assert "to_tsvector" in sql and "simple" in sql
        assert "lapor:* & monitor:*" in sql


def test_the_page_speaks_english_when_chosen(client, users):
    client.force_login(users["pic.pw"])
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "What can be searched?" in client.get(URL).content.decode()
    body = client.get(URL, {"q": "gratifikasi"}).content.decode()
    assert "Evidence items" in body and "results for “gratifikasi”" in body
