"""An item holds berkas (files and links) numbered 1, 2, 3 …; a berkas has versi only
when it is replaced. The numbers people see on the page, in messages and in the PDF."""

import importlib
import re
from datetime import date

from django.apps import apps
from django.urls import reverse

from evidence import services
from evidence.models import EvidenceVersion
from monev import reports
from tests.evidence import samples
from tests.evidence.conftest import up
from tests.monev.test_reports import pdf_text


def test_files_uploaded_together_are_berkas_1_and_2_and_a_replacement_is_versi_2(item, users):
    pic = users["pic.pw"]
    one = up(item, pic, "daftar-hadir.pdf", evidence_date=date(2026, 5, 4))
    two = up(item, pic, "notulen.pdf")
    assert (one.label, two.label) == ("Berkas 1", "Berkas 2")
    again = up(item, pic, "daftar-hadir-paraf.pdf", replaces=one)
    assert again.label == "Berkas 1 versi 2"
    assert again.evidence_date == date(2026, 5, 4)  # the replaced file's date is kept
    link = services.evidence_register_link(
        requirement=item, url="https://example.org/berita", user=pic
    )
    assert link.label == "Berkas 3"
    assert [v.number for v in (one, two, again, link)] == [1, 2, 3, 4]  # upload order


def test_a_file_can_be_replaced_by_a_link_from_the_page(client, item, users):
    pic = users["pic.pw"]
    old = up(item, pic, "foto.pdf", evidence_date=date(2026, 6, 1))
    client.force_login(pic)
    response = client.post(
        reverse("evidence:upload", args=[item.pk]),
        {"replaces": old.pk, "url": "https://example.org/galeri", "note": "Galeri daring"},
        follow=True,
    )
    body = response.content.decode()
    assert "Tautan disimpan sebagai Berkas 1 versi 2." in body
    new = EvidenceVersion.objects.get(requirement=item, number=2)
    assert (new.kind, new.url, new.replaces_id) == ("link", "https://example.org/galeri", old.pk)
    assert new.evidence_date == date(2026, 6, 1)
    old.refresh_from_db()
    assert old.superseded_at is not None


def test_the_history_counts_what_it_lists(client, item, users):
    pic = users["pic.pw"]
    first = up(item, pic, "a.pdf")
    up(item, pic, "b.pdf")
    up(item, pic, "c.pdf")
    up(item, pic, "a2.pdf", replaces=first)
    client.force_login(pic)
    body = client.get(reverse("evidence:item", args=[item.pk])).content.decode()
    assert "Versi lama dan berkas yang ditarik (1)" in body
    assert body.count('class="version version-old') == 1
    assert "Riwayat semua versi" not in body
    # Three current berkas, in their order.
    current = body.split('id="versi"')[1].split('id="riwayat"')[0]
    assert current.index("Berkas 1 versi 2") < current.index("Berkas 2") < current.index("Berkas 3")


def test_the_report_counts_current_files_not_uploads(item, users, demo):
    pic = users["pic.pw"]
    first = up(item, pic, "a.pdf")
    up(item, pic, "b.pdf")
    up(item, pic, "c.pdf")
    up(item, pic, "a2.pdf", replaces=first)
    text = pdf_text(reports.build_pdf(plan=demo["plan"], quarter=2, today=date(2026, 7, 20)))
    # The row reads "… Laporan monitoring: <sub-points> Menunggu reviu 3 <dates> …".
    row = text.split("Laporan monitoring:")[1][:400]
    # (The status may be followed by how late the first upload came, issue 18.)
    late = r"(?:diunggah pertama \d+ hari setelah batas )?"
    assert re.search(r"Menunggu revi\w " + late + "3 ", row), row  # three current files, not "4"
    assert "Berkas" in text


def test_the_migration_numbers_existing_uploads(item, users):
    pic = users["pic.pw"]
    first = up(item, pic, "a.pdf")
    up(item, pic, "b.pdf")
    third = up(item, pic, "a2.pdf", replaces=first)
    up(item, pic, "a3.pdf", replaces=third)
    EvidenceVersion.objects.filter(requirement=item).update(file_no=1, revision=1)
    migration = importlib.import_module("evidence.migrations.0004_berkas_revision")
    migration.number_berkas(apps, None)
    labels = [v.label for v in EvidenceVersion.objects.filter(requirement=item).order_by("number")]
    assert labels == ["Berkas 1", "Berkas 2", "Berkas 1 versi 2", "Berkas 1 versi 3"]


def test_a_duplicate_is_refused_with_a_readable_date(item, users):
    pic = users["pic.pw"]
    data = samples.pdf("sama")
    up(item, pic, "a.pdf", data)
    try:
        up(item, pic, "b.pdf", data)
    except services.EvidenceRefused as refused:
        message = refused.message
    else:
        raise AssertionError("the duplicate was stored")
    assert "sama persis dengan Berkas 1" in message
    assert "/" not in message.split("diunggah")[1].split("oleh")[0]  # "7 Desember 2026, 10.15"
