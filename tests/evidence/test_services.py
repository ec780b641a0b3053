"""Uploading, versions, duplicates, replacement, withdrawal, review and item status,
through the services, with real files in the storage folder."""

from datetime import date

import pytest
from django.core.files.storage import default_storage

from evidence import services
from evidence.choices import ItemStatus
from evidence.models import EvidenceVersion, Review
from evidence.selectors import item_status_of, progress_by_cell, with_status
from evidence.validation import EvidenceRefused
from tests.evidence import samples
from tests.evidence.conftest import up
from tests.multiunit import UNIT_A
from workplan.models import EvidenceRequirement
from zi_portal.core.choices import AuditAction
from zi_portal.core.models import AuditEvent


def stored_files() -> list[str]:
    found = []

    def walk(path):
        dirs, files = default_storage.listdir(path)
        found.extend(f"{path}/{f}" for f in files)
        for d in dirs:
            walk(f"{path}/{d}")

    if default_storage.exists("evidence"):
        walk("evidence")
    return found


@pytest.mark.parametrize("name", sorted(samples.ACCEPTED))
def test_every_accepted_type_is_stored_with_its_facts(item, users, name):
    data, content_type = samples.ACCEPTED[name]
    version = up(item, users["pic.pw"], name, data, note="Bukti", evidence_date=date(2026, 4, 2))
    assert version.number == 1
    assert version.content_type == content_type
    assert version.size == len(data)
    assert version.original_name == name
    assert version.file.name.endswith(f"-{name}")  # stored under the name of what it is
    import hashlib

    assert version.sha256 == hashlib.sha256(data).hexdigest()
    with default_storage.open(version.file.name, "rb") as fh:
        assert fh.read() == data
    assert version.evidence_date == date(2026, 4, 2)
    assert item_status_of(item) == ItemStatus.PENDING


@pytest.mark.parametrize("name", sorted(samples.REFUSED))
def test_refused_files_leave_nothing_behind(item, users, name):
    data, code = samples.REFUSED[name]
    with pytest.raises(EvidenceRefused) as refused:
        up(item, users["pic.pw"], name, data)
    assert refused.value.code == code
    assert (
        "diterima" in refused.value.message
        or "kosong" in refused.value.message
        or ("rusak" in refused.value.message)
    )
    assert EvidenceVersion.objects.count() == 0
    assert AuditEvent.objects.filter(action=AuditAction.UPLOAD).count() == 0
    assert stored_files() == []


def test_refusal_message_names_what_is_accepted(item, users):
    data, _code = samples.REFUSED["laporan.pdf"]
    with pytest.raises(EvidenceRefused) as refused:
        up(item, users["pic.pw"], "laporan.pdf", data)
    message = refused.value.message
    assert refused.value.status == 415
    assert "Halaman HTML, gambar SVG atau berkas berisi skrip tidak diterima" in message
    accepted = "PDF, JPEG, PNG, WebP, HEIC/HEIF, DOCX, XLSX, PPTX, ODT/ODS/ODP, MP4, MOV, M4A"
    assert f"{accepted}, CSV/TXT, ZIP" in message
    assert "Ukuran maksimum 50 MB per berkas." in message


def test_too_large_is_refused_before_anything_is_written(item, users, settings):
    settings.ZI_EVIDENCE_MAX_BYTES = 1000
    with pytest.raises(EvidenceRefused) as refused:
        up(item, users["pic.pw"], "besar.pdf", samples.pdf("x" * 2000))
    assert refused.value.code == "file_too_large" and refused.value.status == 413
    assert "terlalu besar" in refused.value.message
    assert stored_files() == [] and EvidenceVersion.objects.count() == 0


def test_versions_count_up_and_nothing_is_overwritten(item, users):
    first = up(item, users["pic.pw"], "laporan.pdf", samples.pdf("satu"))
    second = up(item, users["pic.pw"], "laporan.pdf", samples.pdf("dua"))
    assert (first.number, second.number) == (1, 2)
    assert first.file.name != second.file.name
    with default_storage.open(first.file.name, "rb") as fh:
        assert fh.read() == samples.pdf("satu")
    assert len(stored_files()) == 2


def test_identical_file_is_recognised(item, users):
    up(item, users["pic.pw"], "laporan.pdf", samples.pdf("sama"))
    with pytest.raises(EvidenceRefused) as refused:
        up(item, users["pic.pw"], "salinan.pdf", samples.pdf("sama"))
    assert refused.value.code == "duplicate" and refused.value.status == 409
    assert "sama persis dengan Berkas 1" in refused.value.message
    assert len(stored_files()) == 1
    # The same bytes to another item are fine.
    other = EvidenceRequirement.objects.get(
        cell__quarter__plan__unit__code=UNIT_A,
        cell__quarter__number=2,
        cell__area__code="PW",
        order=1,
    )
    assert up(other, users["pic.pw"], "laporan.pdf", samples.pdf("sama")).number == 1


def test_file_names_are_sanitised_but_shown_as_given(item, users):
    name = "..\\..\\etc/pass\x07wd <Laporan> TW II.pdf"
    version = up(item, users["pic.pw"], name, samples.pdf("n"))
    assert version.original_name == "pass\x07wd <Laporan> TW II.pdf".replace("\x07", "")
    stored = version.file.name.rsplit("/", 1)[-1]
    assert ".." not in version.file.name and "<" not in stored and "\x07" not in stored
    assert stored.endswith("-passwd_Laporan_ TW II.pdf") or stored.endswith(".pdf")
    renamed = up(item, users["pic.pw"], "gambar.pdf", samples.ACCEPTED["tangkapan.png"][0])
    assert renamed.content_type == "image/png"
    assert renamed.file.name.endswith(".png")


def test_links(item, users):
    link = services.evidence_register_link(
        requirement=item,
        url="https://www.instagram.com/p/puspakomdigi",
        user=users["pic.pw"],
        note="Kampanye",
    )
    assert link.kind == "link" and link.number == 1 and not link.file
    for bad in ["javascript:alert(1)", "ftp://x.go.id/a", "www.komdigi.go.id", ""]:
        with pytest.raises(EvidenceRefused) as refused:
            services.evidence_register_link(requirement=item, url=bad, user=users["pic.pw"])
        assert refused.value.code == "invalid_url"
        assert "http:// atau https://" in refused.value.message
    with pytest.raises(EvidenceRefused, match="sama persis"):
        services.evidence_register_link(
            requirement=item, url="https://www.instagram.com/p/puspakomdigi", user=users["pic.pw"]
        )


def test_scope_is_enforced_in_the_service(item, users):
    for who in ["pic.tl", "kepala", "tpi"]:
        with pytest.raises(EvidenceRefused) as refused:
            up(item, users[who])
        assert refused.value.status == 403
    assert up(item, users["ketua"]).number == 1
    assert stored_files() and EvidenceVersion.objects.count() == 1


def test_status_follows_reviews_replacements_and_withdrawals(item, users):
    pic, tpi = users["pic.pw"], users["tpi"]
    assert item_status_of(item) == ItemStatus.MISSING
    a = up(item, pic, "a.pdf", samples.pdf("a"))
    b = up(item, pic, "b.pdf", samples.pdf("b"))
    assert item_status_of(item) == ItemStatus.PENDING
    services.evidence_review(version=a, user=tpi, decision="approve")
    assert item_status_of(item) == ItemStatus.PENDING
    services.evidence_review(
        version=b, user=tpi, decision="revise", comment="Tanda tangan belum ada"
    )
    assert item_status_of(item) == ItemStatus.REVISE
    c = up(item, pic, "b-ttd.pdf", samples.pdf("b2"), replaces=b)
    assert c.number == 3 and c.replaces_id == b.pk
    b.refresh_from_db()
    assert b.superseded_at is not None
    assert item_status_of(item) == ItemStatus.PENDING
    services.evidence_review(version=c, user=users["ketua"], decision="approve")
    assert item_status_of(item) == ItemStatus.APPROVED
    services.evidence_withdraw(version=a, user=pic, reason="Salah unggah")
    assert item_status_of(item) == ItemStatus.APPROVED  # c still approved
    services.evidence_withdraw(version=c, user=pic)
    assert item_status_of(item) == ItemStatus.MISSING
    # Nothing was deleted: all three versions and both files remain.
    assert EvidenceVersion.objects.filter(requirement=item).count() == 3
    assert len(stored_files()) == 3


def test_review_rules(item, users):
    version = up(item, users["pic.pw"])
    with pytest.raises(EvidenceRefused, match="komentar"):
        services.evidence_review(version=version, user=users["tpi"], decision="revise")
    with pytest.raises(EvidenceRefused) as refused:
        services.evidence_review(version=version, user=users["pic.pw"], decision="approve")
    assert refused.value.status == 403
    with pytest.raises(EvidenceRefused) as refused:
        services.evidence_review(version=version, user=users["kepala"], decision="approve")
    assert refused.value.status == 403
    with pytest.raises(EvidenceRefused, match="approve"):
        services.evidence_review(version=version, user=users["tpi"], decision="maybe")
    services.evidence_withdraw(version=version, user=users["pic.pw"])
    with pytest.raises(EvidenceRefused, match="ditarik atau digantikan"):
        services.evidence_review(version=version, user=users["tpi"], decision="approve")
    assert Review.objects.count() == 0
    with pytest.raises(EvidenceRefused, match="sudah ditarik"):
        services.evidence_withdraw(version=version, user=users["pic.pw"])


def test_withdraw_scope(item, users):
    version = up(item, users["pic.pw"])
    for who in ["pic.tl", "tpi", "kepala"]:
        with pytest.raises(EvidenceRefused) as refused:
            services.evidence_withdraw(version=version, user=users[who])
        assert refused.value.status == 403
    services.evidence_withdraw(version=version, user=users["ketua"])


def test_cell_is_complete_when_every_item_is_approved(demo, users):
    items = list(
        EvidenceRequirement.objects.filter(
            cell__quarter__plan__unit__code=UNIT_A, cell__quarter__number=1, cell__area__code="TL"
        )
    )
    assert len(items) == 2
    for i, it in enumerate(items):
        v = up(it, users["pic.tl"], f"doc{i}.pdf", samples.pdf(str(i)))
        services.evidence_review(version=v, user=users["tpi"], decision="approve")
        progress = progress_by_cell(with_status(EvidenceRequirement.objects.filter(cell=it.cell)))
        assert progress[it.cell_id].complete is (i == 1)


def test_audit_trail_records_every_change(item, users):
    version = up(item, users["pic.pw"], ip="10.1.2.3")
    services.evidence_review(
        version=version,
        user=users["tpi"],
        decision="revise",
        comment="Perlu stempel",
        ip="10.1.2.4",
    )
    services.evidence_withdraw(version=version, user=users["pic.pw"], reason="Diganti")
    events = list(AuditEvent.objects.exclude(action=AuditAction.LKE_MASTER).order_by("pk"))
    assert [e.action for e in events] == [
        AuditAction.UPLOAD,
        AuditAction.REVIEW,
        AuditAction.WITHDRAW,
    ]
    upload, review, withdraw = events
    assert upload.actor == users["pic.pw"] and upload.ip_address == "10.1.2.3"
    assert upload.before == {"status": "missing"}
    assert upload.after["status"] == "pending" and upload.after["sha256"] == version.sha256
    assert review.before["status"] == "pending" and review.after["status"] == "revise"
    assert "Perlu stempel" in review.summary and review.area.code == "PW"
    assert withdraw.after == {"status": "missing", "reason": "Diganti"}
    assert all(e.requirement_id == item.pk for e in events)
    with pytest.raises(ValueError, match="append-only"):
        upload.delete()
    upload.summary = "diubah"
    with pytest.raises(ValueError, match="append-only"):
        upload.save()


def test_a_database_failure_after_storing_removes_the_file(item, users, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "_create_version", broken)
    with pytest.raises(RuntimeError):
        up(item, users["pic.pw"])
    assert stored_files() == []
    assert EvidenceVersion.objects.count() == 0
