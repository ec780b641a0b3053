"""Storage shared by the settings and the tests: how the portal talks to an
S3-compatible bucket, and a local media folder that never holds a half-written file."""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile

from django.core.files.storage import FileSystemStorage


def s3_storage(
    *,
    bucket: str,
    endpoint_url: str | None = None,
    access_key: str | None = None,
    secret_key: str | None = None,
    region_name: str | None = None,
    querystring_expire: int = 300,
) -> dict:
    """The ``STORAGES["default"]`` entry for a private S3-compatible bucket (MinIO)."""
    # boto3 is loaded only when an S3 bucket is configured (the settings call this).
    from boto3.s3.transfer import TransferConfig

    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint_url or None,
            "access_key": access_key or None,
            "secret_key": secret_key or None,
            "region_name": region_name or None,
            # Never overwrite an object and never hand out guessable public URLs.
            "file_overwrite": False,
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": querystring_expire,
            "signature_version": "s3v4",
            # Keep a 50 MB upload or download out of the worker's memory (measured in
            # bench/upload_memory.py): upload in the request thread, part by part, and
            # spool downloads to a temporary file past 1 MiB.
            "transfer_config": TransferConfig(use_threads=False),
            "max_memory_size": 1024 * 1024,
        },
    }


LOCAL_STORAGE_BACKEND = "zi_portal.core.storage.AtomicFileSystemStorage"
# Files still being written start with this prefix: nobody reads them, the storage
# reconciliation removes those a killed process left behind (core/reconcile.py).
PART_PREFIX = ".part-"


def local_storage(location) -> dict:
    """The ``STORAGES["default"]`` entry for the local media folder."""
    return {"BACKEND": LOCAL_STORAGE_BACKEND, "OPTIONS": {"location": str(location)}}


class AtomicFileSystemStorage(FileSystemStorage):
    """A media folder in which a file appears whole or not at all.

    Django's ``FileSystemStorage`` writes straight to the final name, so a process
    killed mid-copy (media on another filesystem than the upload's temporary file, as a
    Docker volume is) or a full disk leaves a partial file under a name a row may point
    to, and a failed write leaves its bytes behind. Here the bytes go to a hidden
    ``.part-`` file in the target directory, are flushed to disk, and are then linked to
    the final name in one step (never overwriting); on any error the part file is
    removed, so the space is freed and nothing half-written is left. An uploaded file
    already on the same filesystem (``FILE_UPLOAD_TEMP_DIR`` under the media folder) is
    linked without a copy.
    """

    def _save(self, name, content):
        full_path = self.path(name)
        directory = os.path.dirname(full_path)
        os.makedirs(directory, exist_ok=True)
        source = getattr(content, "temporary_file_path", None)
        source = source() if source else None
        if source and _same_filesystem(source, directory):
            full_path = self._link(source, full_path)
        else:
            fd, part = tempfile.mkstemp(prefix=PART_PREFIX, dir=directory)
            try:
                with os.fdopen(fd, "wb") as out:
                    if hasattr(content, "seek"):
                        content.seek(0)
                    for chunk in content.chunks():
                        out.write(chunk if isinstance(chunk, bytes) else chunk.encode())
                    out.flush()
                    os.fsync(out.fileno())
                full_path = self._link(part, full_path)
            finally:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(part)
        if self.file_permissions_mode is not None:
            os.chmod(full_path, self.file_permissions_mode)
        _fsync_directory(os.path.dirname(full_path))
        return os.path.relpath(full_path, self.location).replace("\\", "/")

    def _link(self, source: str, full_path: str) -> str:
        """Give ``source`` the name ``full_path`` (or the next free name), atomically."""
        while True:
            try:
                os.link(source, full_path)
                return full_path
            except FileExistsError:
                name = self.get_available_name(os.path.relpath(full_path, self.location))
                full_path = self.path(name)
            except OSError as error:
                # Filesystems without hard links (some network shares): rename instead.
                if error.errno not in (errno.EPERM, errno.ENOTSUP):
                    raise
                if os.path.exists(full_path):
                    name = self.get_available_name(os.path.relpath(full_path, self.location))
                    full_path = self.path(name)
                    continue
                os.rename(source, full_path)
                return full_path


def _same_filesystem(path: str, directory: str) -> bool:
    try:
        return os.stat(path).st_dev == os.stat(directory).st_dev
    except OSError:
        return False


def _fsync_directory(directory: str) -> None:
    """Make the new name itself durable (a crash after the rename keeps the file)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
