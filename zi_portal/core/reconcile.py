"""Storage reconciliation: the media storage and the database agree.

A process killed between storing a file and committing its row (a gunicorn worker
past its timeout, an OOM kill, a power cut) leaves a complete file that no row names;
a killed upload leaves its temporary file; a crash mid-write leaves a ``.part-`` file
(core/storage.py). None of these is visible to anyone, and together they fill the disk.
The other way round, a row whose file is gone is a lost document that must be seen.

``reconcile()`` walks the storage once and compares it with every ``FileField`` of every
model (so it knows no app by name). Files younger than ``grace`` are left alone: an
upload in flight stores its file a moment before its row commits. With ``apply``,
orphans are moved (never deleted) to ``.karantina/<date>/`` in the media folder, or
under ``karantina/<date>/`` in a bucket, where an administrator can restore or remove
them; leftover temporary and part files are removed. Beat runs it daily without
``apply`` and the status page shows what it found (``StorageCheck``).
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import models
from django.utils import timezone

from .models import StorageCheck
from .storage import PART_PREFIX

log = logging.getLogger(__name__)

QUARANTINE = ".karantina"
BUCKET_QUARANTINE = "karantina"
# Upload temporary files older than this belong to no request still running.
TEMP_MAX_AGE = timedelta(hours=6)


@dataclass
class Finding:
    name: str
    size: int
    age_seconds: float


@dataclass
class Reconciliation:
    files: int = 0
    referenced: int = 0
    orphans: list[Finding] = field(default_factory=list)
    missing: list[tuple[str, str]] = field(default_factory=list)  # (row, file name)
    leftovers: list[Finding] = field(default_factory=list)  # temp and part files
    quarantined: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    applied: bool = False

    @property
    def orphan_bytes(self) -> int:
        return sum(f.size for f in self.orphans)

    @property
    def leftover_bytes(self) -> int:
        return sum(f.size for f in self.leftovers)


def referenced_names() -> dict[str, str]:
    """Every stored file name a row points to, with the row that does (``app.Model:pk``)."""
    names: dict[str, str] = {}
    for model in apps.get_models():
        for model_field in model._meta.concrete_fields:
            if not isinstance(model_field, models.FileField):
                continue
            rows = (
                model._default_manager.exclude(**{model_field.name: ""})
                .exclude(**{f"{model_field.name}__isnull": True})
                .values_list("pk", model_field.name)
            )
            label = model._meta.label
            for pk, name in rows.iterator(chunk_size=5000):
                names[name] = f"{label}:{pk}"
    return names


def _local_root() -> Path | None:
    location = getattr(default_storage, "location", None)
    return Path(location) if location and hasattr(default_storage, "path") else None


def _walk_local(root: Path):
    """(name, size, mtime, hidden) for every file; hidden ones lie in dot folders or are
    part files. The quarantine itself is not walked."""
    for folder, dirs, files in os.walk(root):
        relative = Path(folder).relative_to(root)
        if relative.parts and relative.parts[0] == QUARANTINE:
            dirs[:] = []
            continue
        hidden_folder = any(part.startswith(".") for part in relative.parts)
        for name in files:
            path = Path(folder) / name
            try:
                stat = path.stat()
            except FileNotFoundError:
                continue
            hidden = hidden_folder or name.startswith(PART_PREFIX)
            yield (relative / name).as_posix(), stat.st_size, stat.st_mtime, hidden


def _walk_bucket(storage):
    """The same for an S3 bucket (django-storages' ``S3Storage``), read in pages of a
    thousand objects (ListObjectsV2 gives each key's size and time): a request per
    thousand files, not three per file."""
    prefix = storage.location.strip("/")
    prefix = f"{prefix}/" if prefix else ""
    pages = storage.connection.meta.client.get_paginator("list_objects_v2")
    for page in pages.paginate(Bucket=storage.bucket_name, Prefix=prefix):
        for obj in page.get("Contents", []):
            name = obj["Key"][len(prefix) :]
            if not name or name.endswith("/") or name.startswith(f"{BUCKET_QUARANTINE}/"):
                continue
            yield name, obj["Size"], obj["LastModified"].timestamp(), False


def _walk_storage(prefix: str = ""):
    """The same for any other Django storage that can list."""
    dirs, files = default_storage.listdir(prefix)
    for name in files:
        full = f"{prefix}{name}"
        modified = default_storage.get_modified_time(full).timestamp()
        yield full, default_storage.size(full), modified, False
    for folder in dirs:
        if not prefix and folder == BUCKET_QUARANTINE:
            continue
        yield from _walk_storage(f"{prefix}{folder}/")


def _temp_folders(root: Path | None) -> list[Path]:
    """Upload temporary folders outside the media folder (inside it they are walked)."""
    folder = settings.FILE_UPLOAD_TEMP_DIR
    if not folder:
        return []
    folder = Path(folder)
    if root is not None and folder.is_relative_to(root):
        return []
    return [folder] if folder.is_dir() else []


def reconcile(*, apply: bool = False, grace: timedelta | None = None) -> Reconciliation:
    grace = grace if grace is not None else timedelta(minutes=settings.ZI_STORAGE_GRACE_MINUTES)
    now = time.time()
    result = Reconciliation(applied=apply)
    names = referenced_names()
    result.referenced = len(names)
    root = _local_root()
    seen: set[str] = set()
    if root is not None:
        walk = _walk_local(root)
    elif hasattr(default_storage, "bucket"):
        walk = _walk_bucket(default_storage)
    else:
        walk = _walk_storage()
    for name, size, mtime, hidden in walk:
        age = now - mtime
        if hidden:
            if age > TEMP_MAX_AGE.total_seconds():
                result.leftovers.append(Finding(name, size, age))
            continue
        result.files += 1
        if name in names:
            seen.add(name)
        elif age > grace.total_seconds():
            result.orphans.append(Finding(name, size, age))
    for folder in _temp_folders(root):
        for path in folder.iterdir():
            with contextlib.suppress(FileNotFoundError):
                stat = path.stat()
                if path.is_file() and now - stat.st_mtime > TEMP_MAX_AGE.total_seconds():
                    result.leftovers.append(Finding(str(path), stat.st_size, now - stat.st_mtime))
    result.missing = sorted((row, name) for name, row in names.items() if name not in seen)
    if apply:
        quarantine_orphans(result)
        remove_leftovers(result)
    return result


def quarantine_orphans(result: Reconciliation) -> None:
    """Move every orphan aside (never delete it): the administrator decides."""
    root = _local_root()
    day = timezone.localdate().isoformat()
    for orphan in result.orphans:
        if root is not None:
            target = root / QUARANTINE / day / orphan.name
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(root / orphan.name, target)
            result.quarantined.append(f"{QUARANTINE}/{day}/{orphan.name}")
        else:
            with default_storage.open(orphan.name) as source:
                stored = default_storage.save(f"{BUCKET_QUARANTINE}/{day}/{orphan.name}", source)
            default_storage.delete(orphan.name)
            result.quarantined.append(stored)
        log.warning("storage: quarantined orphan %s (%s bytes)", orphan.name, orphan.size)


def remove_leftovers(result: Reconciliation) -> None:
    """Delete temporary and part files no running request can still own."""
    root = _local_root()
    for leftover in result.leftovers:
        path = Path(leftover.name)
        path = path if path.is_absolute() or root is None else root / path
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
            result.removed.append(leftover.name)


def record(result: Reconciliation):
    """Keep what was found for the status page (the last 60 checks)."""
    check = StorageCheck.objects.create(
        files=result.files,
        referenced=result.referenced,
        orphans=len(result.orphans),
        orphan_bytes=result.orphan_bytes,
        missing=len(result.missing),
        missing_sample=[f"{row} {name}" for row, name in result.missing[:10]],
        leftovers_removed=len(result.removed),
        quarantined=len(result.quarantined),
    )
    for row, name in result.missing:
        log.error("storage: %s names %s, which is not in the storage", row, name)
    keep = StorageCheck.objects.values_list("pk", flat=True)[:60]
    StorageCheck.objects.exclude(pk__in=list(keep)).delete()
    return check
