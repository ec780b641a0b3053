"""Writes of the evidence app: upload a file, register a link, withdraw, review.

Nothing is ever deleted: a new upload is a new version, a withdrawal or a replacement
only marks the older version, a review is a new row. Every write records an audit
event in the same transaction.
"""

from __future__ import annotations

import logging
import uuid
from datetime import date
from typing import Any

from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from workplan.models import EvidenceRequirement
from zi_portal.accounts.permissions import Action, can, denial_message
from zi_portal.core.audit import audit_record
from zi_portal.core.choices import AuditAction

from .choices import Decision, Kind, ReviewState
from .models import EvidenceVersion, Review
from .selectors import item_status_of
from .signals import revision_requested
from .validation import EvidenceRefused, check_file, check_url

log = logging.getLogger(__name__)
NUMBER_RETRIES = 5


def _require(user: Any, action: Action, obj: Any) -> None:
    if not can(user, action, obj):
        raise EvidenceRefused(code="forbidden", message=denial_message(action), status=403)


def _storage_path(requirement: EvidenceRequirement, storage_name: str) -> str:
    cell = requirement.cell
    return (
        f"evidence/{cell.quarter.plan.year}/{cell.area.code}/tw{cell.quarter.number}/"
        f"req-{requirement.pk}/{uuid.uuid4().hex}-{storage_name}"
    )


def _check_replaces(requirement: EvidenceRequirement, replaces: EvidenceVersion | None) -> None:
    if replaces is None:
        return
    if replaces.requirement_id != requirement.pk:
        raise EvidenceRefused(
            code="invalid_replacement",
            message=_("Berkas yang diganti bukan milik butir bukti dukung ini."),
        )
    if not replaces.is_current:
        raise EvidenceRefused(
            code="invalid_replacement",
            message=_("%(label)s sudah ditarik atau digantikan; unggah sebagai berkas baru saja.")
            % {"label": replaces.label},
        )


def _refuse_duplicate(requirement: EvidenceRequirement, **match: str) -> None:
    """Refuse content identical to one of the item's current versions."""
    dup = (
        EvidenceVersion.objects.current()
        .filter(requirement=requirement, **match)
        .select_related("uploaded_by")
        .order_by("number")
        .first()
    )
    if dup is not None:
        raise EvidenceRefused(
            code="duplicate",
            message=_(
                "Isi ini sama persis dengan %(label)s yang sudah ada (diunggah %(when)s oleh "
                "%(who)s), jadi tidak diunggah ulang."
            )
            % {
                "label": dup.label,
                "when": date_format(timezone.localtime(dup.uploaded_at), "DATETIME_FORMAT"),
                "who": dup.uploaded_by.name,
            },
            status=409,
        )


def _create_version(
    *,
    requirement: EvidenceRequirement,
    user: Any,
    replaces: EvidenceVersion | None,
    duplicate_match: dict[str, str],
    ip: str | None,
    **fields: Any,
) -> EvidenceVersion:
    """Insert the version under the requirement's row lock: number n+1, duplicate
    check, supersession of the replaced version, audit. Retries the number on a
    unique-constraint race (SQLite has no row locks)."""
    for attempt in range(NUMBER_RETRIES):
        try:
            with transaction.atomic():
                locked = EvidenceRequirement.objects.select_for_update().get(pk=requirement.pk)
                _refuse_duplicate(locked, **duplicate_match)
                if replaces is not None:
                    replaced = EvidenceVersion.objects.select_for_update().get(pk=replaces.pk)
                    _check_replaces(locked, replaced)
                before = item_status_of(locked)
                last = EvidenceVersion.objects.filter(requirement=locked).aggregate(
                    m=Max("number"), f=Max("file_no")
                )
                if replaces is not None:
                    # A replacement is the next versi of the same berkas and keeps
                    # its date unless a new one is given.
                    file_no, revision = replaced.file_no, replaced.revision + 1
                    if not fields.get("evidence_date"):
                        fields["evidence_date"] = replaced.evidence_date
                else:
                    file_no, revision = (last["f"] or 0) + 1, 1
                version = EvidenceVersion(
                    requirement=locked,
                    number=(last["m"] or 0) + 1,
                    file_no=file_no,
                    revision=revision,
                    uploaded_by=user,
                    replaces=replaces,
                    **fields,
                )
                version.full_clean(exclude=["file"] if version.kind == Kind.FILE else None)
                version.save()
                if replaces is not None:
                    EvidenceVersion.objects.filter(pk=replaces.pk).update(
                        superseded_at=timezone.now()
                    )
                audit_record(
                    actor=user,
                    ip=ip,
                    action=AuditAction.UPLOAD,
                    obj=version,
                    requirement=locked,
                    summary=f"{version.label} {version.display_name}"
                    + (f" (mengganti {replaces.label})" if replaces else ""),
                    before={"status": before},
                    after={
                        "status": item_status_of(locked),
                        "version": version.label,
                        "sha256": version.sha256,
                        "size": version.size,
                    },
                )
                return version
        except IntegrityError:
            if attempt == NUMBER_RETRIES - 1:
                raise
    raise AssertionError("unreachable")


def evidence_upload_file(
    *,
    requirement: EvidenceRequirement,
    upload,
    user: Any,
    note: str = "",
    evidence_date: date | None = None,
    replaces: EvidenceVersion | None = None,
    ip: str | None = None,
) -> EvidenceVersion:
    """Store ``upload`` as the next version of ``requirement``.

    The file is checked (size, content type, duplicate) before anything is written,
    streamed to storage under a fresh unique name (never overwriting), and removed
    again if the database insert does not commit: a refused or failed upload leaves
    neither a file nor a row.
    """
    _require(user, Action.UPLOAD_EVIDENCE, requirement.cell)
    _check_replaces(requirement, replaces)
    checked = check_file(upload)
    # Refuse before writing to storage; checked again under the lock below.
    _refuse_duplicate(requirement, sha256=checked.sha256)
    stored_name = None
    try:
        upload.seek(0)
        stored_name = default_storage.save(_storage_path(requirement, checked.storage_name), upload)
        with transaction.atomic():
            version = _create_version(
                requirement=requirement,
                user=user,
                replaces=replaces,
                ip=ip,
                duplicate_match={"sha256": checked.sha256},
                kind=Kind.FILE,
                file=stored_name,
                original_name=checked.display_name,
                size=checked.size,
                content_type=checked.file_type.content_type,
                sha256=checked.sha256,
                note=note.strip(),
                evidence_date=evidence_date,
            )
        return version
    except BaseException:
        if stored_name is not None:
            try:
                default_storage.delete(stored_name)
            except Exception:  # noqa: BLE001 - report the original error, log this one
                log.exception("could not remove %s after a failed upload", stored_name)
        raise


@transaction.atomic
def evidence_register_link(
    *,
    requirement: EvidenceRequirement,
    url: str,
    user: Any,
    note: str = "",
    evidence_date: date | None = None,
    replaces: EvidenceVersion | None = None,
    ip: str | None = None,
) -> EvidenceVersion:
    """Register a publication (website, social media) as the next version."""
    _require(user, Action.UPLOAD_EVIDENCE, requirement.cell)
    _check_replaces(requirement, replaces)
    url = check_url(url)
    return _create_version(
        requirement=requirement,
        user=user,
        replaces=replaces,
        ip=ip,
        duplicate_match={"url": url, "kind": Kind.LINK},
        kind=Kind.LINK,
        url=url,
        note=note.strip(),
        evidence_date=evidence_date,
    )


@transaction.atomic
def evidence_withdraw(
    *, version: EvidenceVersion, user: Any, reason: str = "", ip: str | None = None
) -> EvidenceVersion:
    """Hide a version from the item's current status; it stays in the history."""
    version = (
        EvidenceVersion.objects.select_for_update()
        .select_related("requirement__cell__quarter", "requirement__cell__area")
        .get(pk=version.pk)
    )
    _require(user, Action.WITHDRAW_EVIDENCE, version.requirement.cell)
    if version.withdrawn_at is not None:
        raise EvidenceRefused(
            code="already_withdrawn",
            message=_("%(label)s sudah ditarik sebelumnya.") % {"label": version.label},
            status=409,
        )
    before = item_status_of(version.requirement)
    version.withdrawn_at = timezone.now()
    version.withdrawn_by = user
    version.withdraw_reason = reason.strip()
    version.save(update_fields=["withdrawn_at", "withdrawn_by", "withdraw_reason"])
    audit_record(
        actor=user,
        ip=ip,
        action=AuditAction.WITHDRAW,
        obj=version,
        requirement=version.requirement,
        summary=f"{version.label} {version.display_name}",
        before={"status": before},
        after={"status": item_status_of(version.requirement), "reason": version.withdraw_reason},
    )
    return version


@transaction.atomic
def evidence_review(
    *,
    version: EvidenceVersion,
    user: Any,
    decision: str,
    comment: str = "",
    ip: str | None = None,
) -> Review:
    """Approve a version or ask for revision (a comment is then required). A reviewer
    of the version's unit decides, never on their own upload."""
    version_row = EvidenceVersion.objects.filter(pk=version.pk).first()
    if version_row is None or not can(user, Action.REVIEW_EVIDENCE, version_row):
        raise EvidenceRefused(
            code="forbidden", message=denial_message(Action.REVIEW_EVIDENCE), status=403
        )
    version = (
        EvidenceVersion.objects.select_for_update()
        .select_related("requirement__cell__quarter", "requirement__cell__area")
        .get(pk=version.pk)
    )
    if version.uploaded_by_id == user.pk:
        raise EvidenceRefused(
            code="own_upload",
            message=_(
                "Anda tidak dapat mereviu berkas yang Anda unggah sendiri. Reviu dilakukan "
                "oleh Ketua Tim ZI atau Asesor TPI lain."
            ),
            status=403,
        )
    if decision not in Decision.values:
        raise EvidenceRefused(
            code="invalid_decision",
            message=_("Keputusan reviu harus “approve” (Disetujui) atau “revise” (Perlu revisi)."),
        )
    comment = (comment or "").strip()
    if decision == Decision.REVISE and not comment:
        raise EvidenceRefused(
            code="comment_required",
            message=_("Tuliskan komentar yang menjelaskan apa yang perlu diperbaiki oleh PIC."),
        )
    if not version.is_current:
        raise EvidenceRefused(
            code="not_current",
            message=_("%(label)s sudah ditarik atau digantikan sehingga tidak dapat direviu.")
            % {"label": version.label},
            status=409,
        )
    before = item_status_of(version.requirement)
    review = Review(version=version, reviewer=user, decision=decision, comment=comment)
    review.full_clean()
    review.save()
    version.review_state = (
        ReviewState.APPROVED if decision == Decision.APPROVE else ReviewState.REVISE
    )
    version.save(update_fields=["review_state"])
    if decision == Decision.REVISE:
        revision_requested.send(sender=Review, review=review)
    audit_record(
        actor=user,
        ip=ip,
        action=AuditAction.REVIEW,
        obj=version,
        requirement=version.requirement,
        summary=f"{version.label}: {review.get_decision_display()}"
        + (f" – {comment[:200]}" if comment else ""),
        before={"status": before, "version_state": ReviewState.PENDING},
        after={"status": item_status_of(version.requirement), "decision": decision},
    )
    return review
