"""The evidence bundle (ZIP of approved evidence) and the monev XLSX workbook."""

from __future__ import annotations

import copy
import csv
import hashlib
import io
import json
import tempfile
import zipfile
from datetime import date
from urllib.parse import quote

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from openpyxl import load_workbook

from evidence import services
from findings.choices import FindingStatus
from findings.models import Finding
from monev.bundles import MANIFEST_COLUMNS, BundleIntegrityError, build_bundle, folder_name
from monev.xlsx import monev_workbook
from tests.conftest import PLAN_FILE
from tests.evidence import samples
from tests.evidence import test_storage_s3 as s3_setup
from workplan.models import CommitmentCell, EvidenceRequirement
from workplan.services import plan_import
from zi_portal.accounts.roles import Role
from zi_portal.accounts.services import user_ensure

PNG = samples.ACCEPTED["tangkapan.png"][0]
LINK = "https://www.example.org/budaya-kerja"

# The S3 fixtures of the evidence tests (moto in server mode on loopback).
moto_url, s3, bucket, s3_storage = (
    s3_setup.moto_url,
    s3_setup.s3,
    s3_setup.bucket,
    s3_setup.s3_storage,
)
keys, body = s3_setup.keys, s3_setup.body


def item(quarter: int, area: str, order: int, plan=None) -> EvidenceRequirement:
    items = EvidenceRequirement.objects.filter(
        cell__quarter__number=quarter,
        cell__area__code=area,
        order=order,
    )
    if plan is not None:
        items = items.filter(cell__quarter__plan=plan)
    else:
        items = items.filter(cell__quarter__plan__unit__code="PUSBANG-APARATUR-KOMDIGI")
    return items.get()


def up(requirement, user, name, data=None, **kw):
    data = data if data is not None else samples.pdf(name)
    return services.evidence_upload_file(
        requirement=requirement, upload=samples.upload(name, data), user=user, **kw
    )


def approve(version, users):
    services.evidence_review(version=version, user=users["tpi"], decision="approve")
    version.refresh_from_db()
    return version


@pytest.fixture
def data(demo):
    users = demo["users"]
    mp, pw = users["pic.mp"], users["pic.pw"]
    v = {}
    v["sk"] = approve(up(item(1, "MP", 1), mp, "SK Tim ZI.pdf"), users)
    v["foto"] = approve(up(item(1, "MP", 2), mp, "foto rapat.png", PNG), users)
    v["pending"] = up(item(1, "MP", 3), mp, "pakta-belum-direviu.pdf")
    v["withdrawn"] = approve(up(item(1, "MP", 4), mp, "sk-agen-ditarik.pdf"), users)
    services.evidence_withdraw(version=v["withdrawn"], user=mp, reason="Salah berkas")
    v["old"] = approve(up(item(1, "MP", 5), mp, "rencana-lama.pdf"), users)
    v["new"] = approve(up(item(1, "MP", 5), mp, "rencana-baru.pdf", replaces=v["old"]), users)
    v["link"] = services.evidence_register_link(requirement=item(1, "MP", 6), url=LINK, user=mp)
    v["link"] = approve(v["link"], users)
    v["revise"] = up(item(1, "PW", 2), pw, "peta-risiko.pdf")
    services.evidence_review(
        version=v["revise"], user=users["tpi"], decision="revise", comment="Belum ada mitigasi"
    )
    v["pw"] = approve(up(item(1, "PW", 1), pw, "sk-upg.pdf"), users)
    v["tw2"] = approve(up(item(2, "PW", 5), pw, "laporan-monitoring.pdf"), users)
    v["tw2_pending"] = up(item(2, "PW", 4), pw, "deklarasi.pdf")

    # Another unit's plan, same year, its own PIC: never in this plan's bundle.
    doc = json.loads(PLAN_FILE.read_text(encoding="utf-8"))
    other_doc = copy.deepcopy(doc)
    other_doc["unit"]["code"] = "UNIT-LAIN"
    other_doc["unit"]["name"] = "Unit Lain"
    other, _created = plan_import(data=other_doc)
    other_pic, _ = user_ensure(
        email="pic.mp@unit-lain.example.org",
        name="PIC MP Unit Lain",
        role=Role.PIC,
        unit=other.unit,
    )
    other_tpi, _ = user_ensure(
        email="tpi@unit-lain.example.org", name="TPI Unit Lain", role=Role.TPI, unit=other.unit
    )
    other_item = item(1, "MP", 1, plan=other)
    CommitmentCell.objects.filter(pk=other_item.cell_id).update(pic=other_pic)
    v["other"] = approve(
        up(item(1, "MP", 1, plan=other), other_pic, "unit-lain.pdf"), {"tpi": other_tpi}
    )
    return {**demo, "v": v, "other": other}


def bundle(plan, quarter):
    """Build into a temporary file; return (summary, {name: bytes})."""
    with tempfile.TemporaryFile() as tmp:
        summary = build_bundle(plan=plan, quarter=quarter, target=tmp)
        tmp.seek(0)
        with zipfile.ZipFile(tmp) as archive:
            assert archive.testzip() is None
            contents = {name: archive.read(name) for name in archive.namelist()}
    return summary, contents


def manifest(contents) -> list[dict[str, str]]:
    raw = contents["manifest.csv"]
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM for Excel
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows and list(rows[0]) == MANIFEST_COLUMNS
    return rows


SK = "MP/TW I/01 Dokumen SK Tim Internal Pembangunan ZI/berkas1-SK Tim ZI.pdf"
FOTO = "MP/TW I/02 Dokumen rencana kerja Pembangunan ZI/berkas1-foto rapat.png"
NEW = "MP/TW I/05 Rencana Kerja Agen Perubahan/berkas1-versi2-rencana-baru.pdf"
# The item's text is cut to 60 characters in its folder name.
PW = "PW/TW I/01 Dokumen SK Unit Pengendalian Gratifikasi, Penerapan SPIP, Pe/berkas1-sk-upg.pdf"
TW2 = "PW/TW II/05 Laporan monitoring/berkas1-laporan-monitoring.pdf"


def test_quarter_bundle_holds_exactly_the_current_approved_files(data):
    v = data["v"]
    summary, contents = bundle(data["plan"], 1)

    files = {n for n in contents if n not in ("manifest.csv", "index.html")}
    assert files == {SK, FOTO, NEW, PW}
    assert "manifest.csv" in contents and "index.html" in contents
    expected = {SK: v["sk"], FOTO: v["foto"], NEW: v["new"], PW: v["pw"]}
    for name, version in expected.items():
        assert hashlib.sha256(contents[name]).hexdigest() == version.sha256
        with default_storage.open(version.file.name, "rb") as stored:
            assert contents[name] == stored.read()
    assert contents[FOTO] == PNG
    assert summary == {
        "files": 4,
        "links": 1,
        "bytes": sum(v[k].size for k in ("sk", "foto", "new", "pw")),
    }

    # Pending, withdrawn, superseded, needing revision, TW II, another unit: absent.
    names = " ".join(contents)
    for absent in (
        "pakta-belum-direviu",
        "sk-agen-ditarik",
        "rencana-lama",
        "peta-risiko",
        "laporan-monitoring",
        "deklarasi",
        "unit-lain",
        "TW II",
    ):
        assert absent not in names
    blobs = set(contents.values())
    for key in ("pending", "withdrawn", "old", "revise", "tw2", "other"):
        with default_storage.open(v[key].file.name, "rb") as stored:
            assert stored.read() not in blobs


def test_manifest_matches_the_zip(data):
    v = data["v"]
    _summary, contents = bundle(data["plan"], 1)
    rows = manifest(contents)

    file_rows = [r for r in rows if r["kind"] == "file"]
    assert {r["file"] for r in file_rows} == set(contents) - {"manifest.csv", "index.html"}
    for row in file_rows:
        data_bytes = contents[row["file"]]
        assert row["sha256"] == hashlib.sha256(data_bytes).hexdigest()
        assert int(row["size"]) == len(data_bytes)
        assert row["quarter"] == "TW I"
        assert row["approved_by"] == "Asesor TPI (demo)"
        assert row["approved_at"] and row["uploaded_at"]

    sk = next(r for r in rows if r["file"] == SK)
    assert sk["area"] == "MP"
    assert sk["item"] == "Dokumen SK Tim Internal Pembangunan ZI"
    assert sk["berkas"] == "Berkas 1"
    assert sk["original_name"] == "SK Tim ZI.pdf"
    assert sk["uploaded_by"] == "Annisa Nurul Aini Firdaus"
    assert next(r for r in rows if r["file"] == NEW)["berkas"] == "Berkas 1 versi 2"

    links = [r for r in rows if r["kind"] == "link"]
    assert len(links) == 1
    assert links[0]["file"] == LINK
    assert links[0]["size"] == links[0]["sha256"] == links[0]["original_name"] == ""
    assert links[0]["item"].startswith("Publikasi nilai-nilai budaya kerja")
    assert not any(name.startswith("MP/TW I/06") for name in contents)
    # Ordered by area, quarter, item, version.
    assert [r["area"] for r in rows] == ["MP"] * 4 + ["PW"]
    assert rows[-1]["sha256"] == v["pw"].sha256


def test_index_lists_the_same(data):
    _summary, contents = bundle(data["plan"], 1)
    page = contents["index.html"].decode("utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert '<html lang="id">' in page
    assert "Paket Bukti Dukung Zona Integritas · TW I 2026" in page
    assert "4 berkas" in page and "1 tautan" in page
    for name in (SK, FOTO, NEW, PW):
        assert f'href="{quote(name)}"' in page
    assert f'href="{LINK}"' in page
    assert "Rencana Kerja Agen Perubahan" in page
    assert "Asesor TPI (demo)" in page
    assert 'href="manifest.csv"' in page
    for absent in ("pakta-belum-direviu", "sk-agen-ditarik", "rencana-lama", "TW II"):
        assert absent not in page
    assert "<script" not in page and "http://" not in page.replace(LINK, "")


def test_whole_year_bundle_includes_other_quarters(data):
    summary, contents = bundle(data["plan"], None)
    files = {n for n in contents if n not in ("manifest.csv", "index.html")}
    assert files == {SK, FOTO, NEW, PW, TW2}
    assert summary["files"] == 5 and summary["links"] == 1
    rows = manifest(contents)
    assert [(r["area"], r["quarter"]) for r in rows][-2:] == [("PW", "TW I"), ("PW", "TW II")]
    assert "Tahun 2026" in contents["index.html"].decode()
    assert not any("deklarasi" in n or "unit-lain" in n for n in contents)


def test_other_plan_bundle_holds_only_its_own(data):
    summary, contents = bundle(data["other"], None)
    assert summary == {"files": 1, "links": 0, "bytes": data["v"]["other"].size}
    files = {n for n in contents if n not in ("manifest.csv", "index.html")}
    assert files == {"MP/TW I/01 Dokumen SK Tim Internal Pembangunan ZI/berkas1-unit-lain.pdf"}


def test_empty_period_gives_a_valid_bundle(data):
    summary, contents = bundle(data["plan"], 4)
    assert summary == {"files": 0, "links": 0, "bytes": 0}
    assert set(contents) == {"manifest.csv", "index.html"}
    assert contents["manifest.csv"].decode("utf-8-sig").strip() == ",".join(MANIFEST_COLUMNS)
    assert "Belum ada bukti dukung yang disetujui" in contents["index.html"].decode()


def _overwrite(name: str, data: bytes) -> None:
    default_storage.delete(name)
    assert default_storage.save(name, ContentFile(data)) == name


def test_tampered_file_makes_the_build_fail(data):
    version = data["v"]["sk"]
    with default_storage.open(version.file.name, "rb") as stored:
        original = stored.read()
    # Same size, one byte different: only the hash can tell.
    tampered = original[:-2] + bytes([original[-2] ^ 0x01]) + original[-1:]
    assert len(tampered) == len(original)
    _overwrite(version.file.name, tampered)
    with tempfile.TemporaryFile() as tmp, pytest.raises(BundleIntegrityError, match="SHA-256"):
        build_bundle(plan=data["plan"], quarter=1, target=tmp)
    # A stored file replaced by different content of another size fails too.
    _overwrite(version.file.name, samples.pdf("palsu"))
    with tempfile.TemporaryFile() as tmp, pytest.raises(BundleIntegrityError):
        build_bundle(plan=data["plan"], quarter=1, target=tmp)
    # Restored, it builds again.
    _overwrite(version.file.name, original)
    summary, _contents = bundle(data["plan"], 1)
    assert summary["files"] == 4


def test_missing_file_makes_the_build_fail(data):
    default_storage.delete(data["v"]["foto"].file.name)
    with tempfile.TemporaryFile() as tmp, pytest.raises(BundleIntegrityError, match="ditemukan"):
        build_bundle(plan=data["plan"], quarter=1, target=tmp)


def test_folder_name_is_safe():
    assert folder_name("Laporan monitoring:") == "Laporan monitoring"
    assert folder_name('a/b\\c*d?"e<f>g|h\ti\nj') == "a b c d e f g h i j"
    assert folder_name("x" * 100) == "x" * 60
    assert folder_name("...") == "butir"
    assert folder_name("Daftar SOP (semula menjadi)") == "Daftar SOP (semula menjadi)"


def test_monev_workbook(data):
    users = data["users"]
    cell = CommitmentCell.objects.get(
        quarter__plan=data["plan"], quarter__number=1, area__code="PW"
    )
    Finding.objects.create(
        plan=data["plan"],
        cell=cell,
        area=cell.area,
        owner=users["pic.pw"],
        description="Peta risiko belum memuat risiko gratifikasi",
        recommendation="Lengkapi peta risiko",
        due_date=date(2026, 4, 30),
        status=FindingStatus.IN_PROGRESS,
        follow_up="Sedang disusun bersama UPG",
        created_by=users["tpi"],
    )
    xlsx = monev_workbook(plan=data["plan"], today=date(2026, 5, 15))
    wb = load_workbook(io.BytesIO(xlsx))
    assert wb.sheetnames == ["Status Butir", "Temuan"]

    ws = wb["Status Butir"]
    assert ws.max_row == 77 + 1
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == ws.dimensions
    header = [c.value for c in ws[1]]
    assert header[:8] == [
        "Triwulan",
        "Kode Area",
        "PIC",
        "Butir Evidence",
        "Status",
        "Jumlah Versi Terkini",
        "Unggahan Terakhir",
        "Komentar Pereviu Terakhir",
    ]
    assert ws["A1"].font.bold and ws["A1"].fill.fgColor.rgb.endswith("1F4E79")
    assert ws["D2"].alignment.wrap_text
    rows = {(r[0], r[1], r[3]): r for r in ws.iter_rows(min_row=2, values_only=True)}
    sk = rows[("TW I", "MP", "Dokumen SK Tim Internal Pembangunan ZI")]
    assert sk[2] == "Annisa Nurul Aini Firdaus"
    assert sk[4] == "Disetujui"
    assert sk[5] == 1
    # The upload's day in Asia/Jakarta (after 17:00 UTC it is already the next day there).
    assert sk[6].date() == timezone.localtime(data["v"]["sk"].uploaded_at).date()
    assert rows[("TW I", "MP", "Pakta integritas pimpinan dan pegawai")][4] == "Menunggu reviu"
    withdrawn = rows[("TW I", "MP", "SK Agen Perubahan")]
    assert withdrawn[4] == "Belum diunggah" and withdrawn[5] == 0 and withdrawn[8] == "ya"
    assert rows[("TW I", "MP", "Rencana Kerja Agen Perubahan")][5] == 1
    revise = rows[("TW I", "PW", "Dokumen peta risiko dan mitigasinya")]
    assert revise[4] == "Perlu revisi" and revise[7] == "Belum ada mitigasi"
    assert rows[("TW II", "PW", "Laporan monitoring:")][8] == "tidak"
    assert [r[0] for r in ws.iter_rows(min_row=2, values_only=True)][:6] == ["TW I"] * 6

    ws = wb["Temuan"]
    assert ws.max_row == 2
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:I2"
    row = [c.value for c in ws[2]]
    assert row[0] == "PW"
    assert row[1] == "TW I · PW"
    assert row[2] == "Peta risiko belum memuat risiko gratifikasi"
    assert row[3] == "Lengkapi peta risiko"
    assert row[4] == "Irene Septine"
    assert row[5].date() == date(2026, 4, 30)
    assert row[6] == "Dalam proses"
    assert row[7] == "Sedang disusun bersama UPG"
    assert row[8] == "ya"


def test_bundle_streams_from_s3(s3_storage, s3, bucket, demo):
    """The same bundle with the evidence in an S3 bucket (moto on loopback)."""
    users = demo["users"]
    pw = users["pic.pw"]
    pdf = approve(up(item(1, "PW", 1), pw, "sk-upg.pdf"), users)
    png = approve(up(item(1, "PW", 2), pw, "peta.png", PNG), users)
    assert pdf.file.name in keys(s3, bucket)

    summary, contents = bundle(demo["plan"], 1)
    assert summary == {"files": 2, "links": 0, "bytes": pdf.size + png.size}
    assert contents[PW] == body(s3, bucket, pdf.file.name)
    assert contents["PW/TW I/02 Dokumen peta risiko dan mitigasinya/berkas1-peta.png"] == PNG
    rows = manifest(contents)
    assert [r["sha256"] for r in rows] == [pdf.sha256, png.sha256]

    s3.put_object(Bucket=bucket, Key=png.file.name, Body=PNG[:-1] + b"\x00")
    with tempfile.TemporaryFile() as tmp, pytest.raises(BundleIntegrityError, match="SHA-256"):
        build_bundle(plan=demo["plan"], quarter=1, target=tmp)
