"""Storage reconciliation against an S3 bucket (moto in server mode): an orphan object
is found and moved under ``karantina/``, a missing object is reported."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from tests.evidence.conftest import item, up  # noqa: F401 - fixtures
from tests.evidence.test_storage_s3 import bucket, moto_url, s3, s3_storage  # noqa: F401

ORPHAN = "evidence/2026/req-9/0f0f-yatim.pdf"


def run(*args) -> tuple[str, int]:
    out = io.StringIO()
    try:
        call_command("reconcile_storage", "--grace-minutes", "0", *args, stdout=out)
    except SystemExit as exc:
        return out.getvalue(), exc.code
    return out.getvalue(), 0


@pytest.mark.usefixtures("s3_storage")
def test_an_orphan_object_is_quarantined_and_a_missing_one_reported(
    demo,
    item,  # noqa: F811 - the fixture imported above
    s3,  # noqa: F811
    bucket,  # noqa: F811
):
    version = up(item, demo["users"]["pic.pw"], "laporan.pdf")
    s3.put_object(Bucket=bucket, Key=ORPHAN, Body=b"%PDF-1.4 orphan")

    out, code = run()
    assert code == 0
    assert "2 file(s) in storage, 1 named by rows; 1 orphan(s)" in out
    assert f"orphan   {ORPHAN}" in out

    out, code = run("--apply")
    keys = {o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]}
    assert ORPHAN not in keys and version.file.name in keys
    moved = [k for k in keys if k.startswith("karantina/") and k.endswith("yatim.pdf")]
    assert len(moved) == 1
    assert s3.get_object(Bucket=bucket, Key=moved[0])["Body"].read() == b"%PDF-1.4 orphan"

    out, _code = run()
    assert "0 orphan(s)" in out  # the quarantine is not walked again
    s3.delete_object(Bucket=bucket, Key=version.file.name)
    out, code = run()
    assert code == 1 and f"missing  {version.file.name}" in out


@pytest.mark.usefixtures("s3_storage")
def test_a_bucket_is_listed_in_pages_not_asked_about_each_object(
    demo,
    s3,  # noqa: F811
    bucket,  # noqa: F811
):
    """1,500 orphans: two ListObjectsV2 pages, no request per object (before, each object
    cost a HEAD for its size and another for its time)."""
    from django.core.files.storage import default_storage

    for n in range(1500):
        s3.put_object(Bucket=bucket, Key=f"evidence/2026/req-9/{n:04d}-yatim.pdf", Body=b"x")
    calls: list[str] = []
    events = default_storage.connection.meta.client.meta.events
    events.register("before-call.s3", lambda model, **kw: calls.append(model.name))

    out, code = run()
    assert code == 0
    assert "1500 file(s) in storage, 0 named by rows; 1500 orphan(s)" in out
    assert calls == ["ListObjectsV2", "ListObjectsV2"]
