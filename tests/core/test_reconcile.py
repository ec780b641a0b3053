"""Storage reconciliation: files no row names (a worker killed between storing and
committing), rows whose file is gone, and abandoned temporary files are found; only
--apply changes anything, and then orphans are moved aside, never deleted."""

from __future__ import annotations

import io
import os
import time
from pathlib import Path

import pytest
from django.core.management import call_command

from evidence.models import EvidenceVersion
from tests.evidence.conftest import item, up  # noqa: F401 - fixtures
from zi_portal.core.models import StorageCheck
from zi_portal.core.tasks import storage_check

HOUR = 3600


def age(path: Path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


def run(*args) -> tuple[str, int]:
    out = io.StringIO()
    try:
        call_command("reconcile_storage", *args, stdout=out)
    except SystemExit as exc:
        return out.getvalue(), exc.code
    return out.getvalue(), 0


@pytest.fixture
def planted(settings, demo, item):  # noqa: F811
    """One real version, one orphan an hour and a half old (what a killed worker leaves),
    one fresh file (an upload in flight), an old temporary upload and an old part file."""
    media = Path(settings.MEDIA_ROOT)
    version = up(item, demo["users"]["pic.pw"], "laporan.pdf")
    orphan = media / "evidence/2026/req-9/0f0f-yatim.pdf"
    orphan.parent.mkdir(parents=True)
    orphan.write_bytes(b"%PDF-1.4 orphan" * 100)
    age(orphan, 1.5 * HOUR)
    fresh = media / "evidence/2026/req-9/1a1a-baru.pdf"
    fresh.write_bytes(b"%PDF-1.4 in flight")
    temp = Path(settings.FILE_UPLOAD_TEMP_DIR) / "tmpabc123.upload.pdf"
    temp.write_bytes(b"x" * 1000)
    age(temp, 7 * HOUR)
    part = orphan.parent / ".part-k2j3"
    part.write_bytes(b"y" * 500)
    age(part, 7 * HOUR)
    return {"version": version, "orphan": orphan, "fresh": fresh, "temp": temp, "part": part}


def test_a_dry_run_reports_and_changes_nothing(planted):
    out, code = run()
    assert code == 0
    assert "3 file(s) in storage, 1 named by rows; 1 orphan(s) (1" in out
    assert "KB), 0 missing, 2 temporary file(s)" in out
    assert "orphan   evidence/2026/req-9/0f0f-yatim.pdf" in out
    assert "1a1a-baru" not in out  # younger than the grace period
    assert "tmpabc123.upload.pdf" in out and ".part-k2j3" in out
    assert "Nothing was changed" in out
    assert all(p.exists() for p in planted.values() if isinstance(p, Path))
    check = StorageCheck.objects.get()
    assert (check.files, check.orphans, check.missing, check.quarantined) == (3, 1, 0, 0)


def test_apply_quarantines_orphans_and_removes_temporary_files(planted, settings):
    out, code = run("--apply")
    assert code == 0
    media = Path(settings.MEDIA_ROOT)
    moved = list((media / ".karantina").rglob("*yatim.pdf"))
    assert len(moved) == 1 and moved[0].read_bytes() == b"%PDF-1.4 orphan" * 100
    assert not planted["orphan"].exists()
    assert not planted["temp"].exists() and not planted["part"].exists()
    assert planted["fresh"].exists()
    assert planted["version"].file.read()  # the real version is untouched
    assert "Removed 2 temporary file(s)." in out
    again, _ = run()
    assert "0 orphan(s)" in again  # the quarantine is not walked again


def test_a_row_whose_file_is_gone_is_an_error(planted, settings):
    version = planted["version"]
    Path(version.file.path).unlink()
    out, code = run()
    assert code == 1
    assert f"missing  {version.file.name} (named by evidence.EvidenceVersion:{version.pk})" in out
    check = StorageCheck.objects.get()
    assert check.missing == 1
    assert check.missing_sample == [f"evidence.EvidenceVersion:{version.pk} {version.file.name}"]


def test_the_daily_check_removes_leftovers_keeps_orphans_and_shows_on_the_status_page(
    planted, client, demo
):
    result = storage_check.apply().get()
    assert result == {"orphans": 1, "missing": 0, "removed": 2}
    assert planted["orphan"].exists() and not planted["temp"].exists()
    client.force_login(demo["users"]["ketua"])
    page = client.get("/status/").content.decode()
    assert "1 berkas tanpa catatan" in page
    assert "dengan pemeriksaan penyimpanan" in page
    assert EvidenceVersion.objects.count() == 1
