"""The recap as PDF: queued from the page with its filters, built by the worker's task
for the person who asked, stored with its SHA-256, downloaded by them only; its text
holds every unit's row with the totals of the score endpoint. Rendered to PNG in
/tmp/shots-recap-pdf/ for a person to look at."""

from __future__ import annotations

import hashlib
import io
import subprocess
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from pypdf import PdfReader

from lke import scoring, selectors, services
from lke.models import Side
from ministry.models import RecapExport
from ministry.tasks import build_recap_pdf
from tests.ministry.conftest import YEAR, signed_in
from workplan.models import Unit

pytestmark = pytest.mark.django_db
SHOTS = Path("/tmp/shots-recap-pdf")  # noqa: S108 - pages for a person to look at


_client = signed_in


def test_recap_pdf_is_built_by_the_worker_and_holds_every_row(two_units):
    client = _client("inspektorat@example.org")
    response = client.post(
        f"/kementerian/rekap/{YEAR}/pdf/", {"oleh": "unit", "urut": "nilai_unit"}
    )
    assert response.status_code == 302 and response.url.endswith("/unduhan/")
    row = RecapExport.objects.get(requested_by__email="inspektorat@example.org")
    assert row.status == "queued" and row.params["oleh"] == "unit"
    waiting = client.get(f"/kementerian/rekap/{YEAR}/unduhan/").content.decode()
    assert 'http-equiv="refresh"' in waiting and 'data-status="queued"' in waiting

    build_recap_pdf(row.pk)  # what the worker runs
    row.refresh_from_db()
    assert row.status == "ready" and row.rows == 2
    data = default_storage.open(row.file.name).read()
    assert hashlib.sha256(data).hexdigest() == row.sha256 and len(data) == row.size
    build_recap_pdf(row.pk)  # a second delivery builds nothing more
    assert RecapExport.objects.get(pk=row.pk).sha256 == row.sha256

    download = client.get(f"/kementerian/rekap/unduhan/{row.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == data
    # Nobody else downloads it, not even the administrator.
    assert (
        _client("admin.kementerian@example.org")
        .get(f"/kementerian/rekap/unduhan/{row.pk}/")
        .status_code
        == 404
    )

    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data)).pages)
    master = services.master_ensure()
    for unit in (two_units["a"], two_units["b"]):
        total = selectors.unit_score(unit=unit, master=master, side=Side.UNIT).total
        # A long code may break after a hyphen at the column's edge.
        assert unit.short_name in text and unit.code in text.replace("- ", "-")
        assert f"{scoring.r2(total):.2f}".replace(".", ",") in text
    assert "Rekapitulasi Evaluasi Zona Integritas 2026" in text
    assert Unit.objects.count() >= 2

    SHOTS.mkdir(parents=True, exist_ok=True)
    (SHOTS / "recap.pdf").write_bytes(data)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "70", str(SHOTS / "recap.pdf"), str(SHOTS / "page")], check=True
    )


def test_recap_pdf_is_refused_to_the_unit_side(two_units):
    response = _client("ketua@example.org").post(f"/kementerian/rekap/{YEAR}/pdf/")
    assert response.status_code == 403
    assert not RecapExport.objects.exists()
