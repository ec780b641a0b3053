"""The S3 storage path, against a real S3-compatible server (moto in server mode) on
loopback: the same options as the S3 branch of ``settings/base.py``, objects private and
never overwritten, nothing left in the bucket by a refused or failed upload, and
downloads that still go through the application's access check."""

from __future__ import annotations

import hashlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
from django.core.files.base import ContentFile

from evidence import services
from evidence.models import EvidenceVersion
from evidence.validation import EvidenceRefused
from tests.conftest import require_service
from tests.evidence import samples
from tests.evidence.conftest import up

MOTO_SERVER = Path(sys.executable).with_name("moto_server")
MOTO_START_SECONDS = 30
REGION = "us-east-1"
ACCESS_KEY = "zi-test-access-key"
SECRET_KEY = "zi-test-secret-key"  # noqa: S105 - a dummy credential for the local server
ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
AUTHENTICATED_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:  # noqa: S310 - loopback
            return response.status < 500
    except urllib.error.HTTPError as exc:  # any HTTP answer means the server is up
        return exc.code < 500
    except OSError:
        return False


@pytest.fixture(scope="module")
def moto_url(tmp_path_factory):
    """moto's S3 in server mode on a free loopback port, for the whole module."""
    if not MOTO_SERVER.exists():
        require_service(False, f"moto S3 server ({MOTO_SERVER} is missing)")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = tmp_path_factory.mktemp("moto") / "moto.log"
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
        "AWS_DEFAULT_REGION": REGION,
    }
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            [str(MOTO_SERVER), "-H", "127.0.0.1", "-p", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + MOTO_START_SECONDS
        while not _answers(url):
            if proc.poll() is not None or time.monotonic() > deadline:
                require_service(
                    False,
                    f"moto S3 server (did not answer at {url} within {MOTO_START_SECONDS} s; "
                    f"exit code {proc.poll()}):\n{log_path.read_text()[-2000:]}",
                )
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


@pytest.fixture
def s3(moto_url):
    import boto3
    from botocore.config import Config

    return boto3.client(
        "s3",
        endpoint_url=moto_url,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        region_name=REGION,
        config=Config(signature_version="s3v4"),
    )


@pytest.fixture
def bucket(s3):
    """A fresh, empty bucket for each test."""
    name = f"zi-test-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name)
    return name


@pytest.fixture
def s3_storage(settings, media_storage, moto_url, bucket):
    """Django's default storage switched to S3Storage with the options the settings use
    (``zi_portal.core.storage.s3_storage``). Requests ``media_storage`` so that the
    autouse folder fixture has already run and this override is the one in force."""
    from django.core.files.storage import default_storage
    from storages.backends.s3 import S3Storage

    settings.AWS_STORAGE_BUCKET_NAME = bucket
    from zi_portal.core.storage import s3_storage

    settings.STORAGES = {
        **settings.STORAGES,
        "default": s3_storage(
            bucket=bucket,
            endpoint_url=moto_url,
            access_key=ACCESS_KEY,
            secret_key=SECRET_KEY,
            region_name=REGION,
        ),
    }
    assert isinstance(default_storage, S3Storage), type(default_storage)
    assert default_storage.bucket_name == bucket
    return default_storage


def keys(s3, bucket) -> list[str]:
    listing = s3.list_objects_v2(Bucket=bucket)
    return [obj["Key"] for obj in listing.get("Contents", [])]


def body(s3, bucket, key) -> bytes:
    return s3.get_object(Bucket=bucket, Key=key)["Body"].read()


def test_default_storage_is_s3_inside_the_test(s3_storage, bucket):
    from django.core.files.storage import default_storage, storages
    from storages.backends.s3 import S3Storage

    assert isinstance(default_storage, S3Storage)
    assert isinstance(storages["default"], S3Storage)
    assert default_storage.file_overwrite is False
    assert default_storage.default_acl == "private"
    assert default_storage.querystring_auth is True
    assert EvidenceVersion._meta.get_field("file").storage.bucket_name == bucket


def test_upload_is_stored_private_with_its_hash(s3_storage, s3, bucket, item, users):
    data = samples.pdf("S3 satu")
    version = up(item, users["pic.pw"], "laporan.pdf", data)

    key = version.file.name
    assert key.startswith(f"evidence/2026/PW/tw2/req-{item.pk}/") and key.endswith(".pdf")
    assert keys(s3, bucket) == [key]
    head = s3.head_object(Bucket=bucket, Key=key)
    assert head["ContentLength"] == len(data) == version.size
    assert body(s3, bucket, key) == data
    assert version.sha256 == hashlib.sha256(data).hexdigest()

    grants = s3.get_object_acl(Bucket=bucket, Key=key)["Grants"]
    grantees = {g["Grantee"].get("URI") for g in grants}
    assert ALL_USERS not in grantees and AUTHENTICATED_USERS not in grantees
    assert [g["Permission"] for g in grants] == ["FULL_CONTROL"]  # the owner only
    # Anonymous reads of the object are refused by the server itself.
    with pytest.raises(urllib.error.HTTPError) as anonymous:
        urllib.request.urlopen(f"{s3.meta.endpoint_url}/{bucket}/{key}", timeout=5)  # noqa: S310
    assert anonymous.value.code == 403


def test_new_versions_never_overwrite(s3_storage, s3, bucket, item, users):
    first_data, second_data = samples.pdf("versi satu"), samples.pdf("versi dua")
    first = up(item, users["pic.pw"], "laporan.pdf", first_data)
    first_etag = s3.head_object(Bucket=bucket, Key=first.file.name)["ETag"]
    second = up(item, users["pic.pw"], "laporan.pdf", second_data)

    assert (first.number, second.number) == (1, 2)
    assert first.file.name != second.file.name
    assert sorted(keys(s3, bucket)) == sorted([first.file.name, second.file.name])
    assert body(s3, bucket, first.file.name) == first_data
    assert s3.head_object(Bucket=bucket, Key=first.file.name)["ETag"] == first_etag
    assert body(s3, bucket, second.file.name) == second_data

    # The storage itself never overwrites: the same path twice gets a second name.
    path = "evidence/tetap/sama.pdf"
    a = s3_storage.save(path, ContentFile(b"%PDF-1.4 a"))
    b = s3_storage.save(path, ContentFile(b"%PDF-1.4 b"))
    assert a == path and b != a and b.startswith("evidence/tetap/sama")
    assert body(s3, bucket, a) == b"%PDF-1.4 a"
    assert body(s3, bucket, b) == b"%PDF-1.4 b"


def test_refused_upload_leaves_the_bucket_empty(s3_storage, s3, bucket, item, users):
    data, code = samples.REFUSED["laporan.pdf"]  # an HTML page renamed .pdf
    with pytest.raises(EvidenceRefused) as refused:
        up(item, users["pic.pw"], "laporan.pdf", data)
    assert refused.value.code == code and refused.value.status == 415
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0
    assert not EvidenceVersion.objects.exists()


def test_failure_after_the_object_is_written_removes_it(
    s3_storage, s3, bucket, item, users, monkeypatch
):
    seen = {}

    def failing_create_version(**kwargs):
        # The object is in the bucket when the database write fails.
        seen["keys"] = keys(s3, bucket)
        seen["file"] = kwargs["file"]
        raise RuntimeError("database unavailable")

    monkeypatch.setattr(services, "_create_version", failing_create_version)
    with pytest.raises(RuntimeError, match="database unavailable"):
        up(item, users["pic.pw"], "laporan.pdf", samples.pdf("gagal"))
    assert seen["keys"] == [seen["file"]]
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0
    assert not EvidenceVersion.objects.exists()


def test_download_goes_through_the_access_check(s3_storage, item, users, client):
    data = samples.pdf("unduh dari S3")
    version = up(item, users["pic.pw"], "Laporan <TW II>.pdf", data)
    url = f"/api/v1/evidence/{version.pk}/file/"

    client.force_login(users["kepala"])
    response = client.get(url)
    assert response.status_code == 200
    # Consuming the stream closes the response (and the S3 file) in the test client.
    assert b"".join(response.streaming_content) == data
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Length"] == str(len(data))

    client.force_login(users["pic.tl"])
    assert client.get(url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 401


def test_api_upload_stores_the_object(s3_storage, s3, bucket, item, users, client):
    data = samples.pdf("unggah API ke S3")
    client.force_login(users["pic.pw"])
    response = client.post(
        f"/api/v1/requirements/{item.pk}/evidence/",
        {"file": samples.upload("laporan-api.pdf", data), "note": "lewat API"},
    )
    assert response.status_code == 201, response.content
    version = EvidenceVersion.objects.get(pk=response.json()["id"])
    assert response.json()["sha256"] == hashlib.sha256(data).hexdigest()
    assert keys(s3, bucket) == [version.file.name]
    assert body(s3, bucket, version.file.name) == data
