"""The audit trail reads in words: status labels instead of codes, recorded facts with
their names, items by name; and it is filtered by an item's name."""

import re
from datetime import date

from django.urls import reverse

from evidence import services
from findings.services import finding_record
from tests.evidence.conftest import up


def rows(body: str) -> list[str]:
    table = body.split("<tbody>")[1].split("</tbody>")[0]
    return [re.sub(r"\s+", " ", r) for r in table.split("<tr>")[1:]]


def test_the_trail_speaks_in_labels(client, item, users):
    version = up(item, users["pic.pw"], "notulen.pdf")
    services.evidence_review(
        version=version, user=users["tpi"], decision="revise", comment="Kurang paraf"
    )
    client.force_login(users["ketua"])
    body = client.get(reverse("evidence:audit")).content.decode()
    review_row, upload_row = rows(body)[:2]
    assert "Perlu revisi" in review_row and "keputusan: Perlu revisi" in review_row
    assert "Belum diunggah → " in upload_row and "berkas: Berkas 1" in upload_row
    assert "Laporan monitoring:" in upload_row  # the item by name, not "#123"
    for code in ("pending", "revise", "missing", "decision:", "sha256:", f"#{item.pk}"):
        assert code not in review_row + upload_row, code


def test_filter_by_item_name(client, item, users, demo):
    up(item, users["pic.pw"], "notulen.pdf")
    client.force_login(users["ketua"])
    found = rows(client.get(reverse("evidence:audit"), {"butir": "monitoring"}).content.decode())
    assert found and all("Laporan monitoring:" in r for r in found)
    none = client.get(reverse("evidence:audit"), {"butir": "tidak ada butir begini"})
    assert "Tidak ada catatan yang cocok" in none.content.decode()


def test_a_recorded_due_date_reads_as_a_date(client, item, users, demo):
    finding_record(
        plan=item.cell.quarter.plan,
        user=users["tpi"],
        description="Notulen tanpa paraf",
        recommendation="Lengkapi paraf",
        owner=users["pic.pw"],
        due_date=date(2026, 12, 21),
        cell=item.cell,
    )
    client.force_login(users["ketua"])
    first = rows(client.get(reverse("evidence:audit")).content.decode())[0]
    assert "batas waktu: 21 Desember 2026" in first
    assert "2026-12-21" not in first
