"""Writes of reviewing in place (the review queue): approving several versions at once
and the replies between a version's PIC side and its reviewers.

Approving several versions runs ``evidence_review`` once per version, each in its own
transaction: a version that is refused (no longer waiting, withdrawn meanwhile, the
reviewer's own upload) leaves no trace, the others are approved completely (review row,
state, audit entry), so no version is ever half approved and one refusal does not undo
the rest.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from zi_portal.accounts.models import User
from zi_portal.accounts.permissions import Action, can
from zi_portal.accounts.roles import GROUP_NAMES, Role
from zi_portal.core.audit import audit_record
from zi_portal.core.choices import AuditAction

from .choices import Decision, ReviewState
from .models import EvidenceVersion, VersionReply
from .services import evidence_review
from .signals import reply_posted
from .validation import EvidenceRefused

REPLY_MAX_LENGTH = 4000


def version_place(version: EvidenceVersion) -> str:
    """ "TW II PW butir 5, Berkas 1": how a version is named in a list of refusals.
    Expects ``requirement__cell__quarter`` and ``requirement__cell__area`` loaded."""
    cell = version.requirement.cell
    return _("%(quarter)s %(area)s butir %(order)s, %(label)s") % {
        "quarter": cell.quarter.label,
        "area": cell.area.code,
        "order": version.requirement.order,
        "label": version.label,
    }


@dataclass
class BulkApproval:
    """What ``evidence_approve_many`` did: the versions approved and, for each refused
    one, where it is and why (``missing`` counts ids the reviewer cannot see)."""

    approved: list[EvidenceVersion] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)
    missing: int = 0


def evidence_approve_many(
    *, version_ids: Iterable[int], user: Any, comment: str = "", ip: str | None = None
) -> BulkApproval:
    """Approve each of ``version_ids`` that is still waiting, with the same comment;
    one transaction per version (see the module docstring)."""
    result = BulkApproval()
    ids = list(dict.fromkeys(version_ids))
    rows = {
        v.pk: v
        for v in EvidenceVersion.objects.restrict(user, Action.REVIEW_EVIDENCE)
        .filter(pk__in=ids)
        .select_related("requirement__cell__quarter", "requirement__cell__area")
    }
    result.missing = sum(1 for pk in ids if pk not in rows)
    for pk in ids:
        version = rows.get(pk)
        if version is None:
            continue
        try:
            with transaction.atomic():
                locked = EvidenceVersion.objects.select_for_update().get(pk=pk)
                if locked.is_current and locked.review_state != ReviewState.PENDING:
                    raise EvidenceRefused(
                        code="not_pending",
                        message=_("%(label)s sudah direviu (%(state)s), tidak lagi menunggu.")
                        % {"label": locked.label, "state": locked.get_review_state_display()},
                        status=409,
                    )
                evidence_review(
                    version=locked,
                    user=user,
                    decision=Decision.APPROVE,
                    comment=comment,
                    ip=ip,
                )
        except EvidenceRefused as exc:
            result.refused.append((version_place(version), exc.message))
        else:
            result.approved.append(version)
    return result


def may_reply(user: Any, version: EvidenceVersion) -> bool:
    """The PIC side (who may upload to the version's cell, and its uploader while they
    may still see it) and the reviewers of the version's unit may reply on it."""
    cell = version.requirement.cell
    if can(user, Action.UPLOAD_EVIDENCE, cell) or can(user, Action.REVIEW_EVIDENCE, version):
        return True
    return version.uploaded_by_id == user.pk and can(user, Action.VIEW_EVIDENCE, cell)


def _other_side(version: EvidenceVersion, reply: VersionReply) -> list[int]:
    """Who hears of ``reply``: a reviewer's reply goes to the uploader, the cell's PIC
    and whoever replied from the PIC side; a PIC-side reply goes to the version's
    reviewers and whoever replied as a reviewer, or, before anyone reviewed it, to the
    unit's Ketua Tim ZI."""
    earlier = list(
        VersionReply.objects.filter(version=version)
        .exclude(pk=reply.pk)
        .values_list("author_id", "from_reviewer")
    )
    if reply.from_reviewer:
        people = {version.uploaded_by_id, version.requirement.cell.pic_id}
        people |= {author for author, reviewer in earlier if not reviewer}
    else:
        people = set(version.reviews.values_list("reviewer_id", flat=True))
        people |= {author for author, reviewer in earlier if reviewer}
        if not people:
            people = set(
                User.objects.filter(
                    unit_id=version.requirement.cell.quarter.plan.unit_id,
                    is_active=True,
                    groups__name=GROUP_NAMES[Role.KETUA],
                ).values_list("pk", flat=True)
            )
    people.discard(None)
    people.discard(reply.author_id)
    return sorted(people)


@transaction.atomic
def version_reply_add(
    *, version: EvidenceVersion, user: Any, text: str, ip: str | None = None
) -> VersionReply:
    """Add ``user``'s reply to the conversation on ``version``, tell the other side in
    the portal and record it in the audit trail."""
    version = EvidenceVersion.objects.select_related(
        "requirement__cell__quarter__plan", "requirement__cell__area"
    ).get(pk=version.pk)
    if not may_reply(user, version):
        raise EvidenceRefused(
            code="forbidden",
            message=_(
                "Balasan pada berkas ini hanya dapat ditulis oleh PIC atau anggota pokja "
                "area ini dan oleh pereviu (Ketua Tim ZI atau Asesor TPI)."
            ),
            status=403,
        )
    text = (text or "").strip()
    if not text:
        raise EvidenceRefused(code="empty_reply", message=_("Tuliskan balasan terlebih dahulu."))
    if len(text) > REPLY_MAX_LENGTH:
        raise EvidenceRefused(
            code="reply_too_long",
            message=_("Balasan paling panjang %(n)s karakter.") % {"n": REPLY_MAX_LENGTH},
        )
    reply = VersionReply(
        version=version,
        author=user,
        text=text,
        from_reviewer=(
            version.uploaded_by_id != user.pk and can(user, Action.REVIEW_EVIDENCE, version)
        ),
    )
    reply.full_clean()
    reply.save()
    reply_posted.send(sender=VersionReply, reply=reply, recipient_ids=_other_side(version, reply))
    audit_record(
        actor=user,
        ip=ip,
        action=AuditAction.REPLY,
        obj=reply,
        requirement=version.requirement,
        summary=f"{version.label}: {text[:200]}",
        after={"version": version.label, "from_reviewer": reply.from_reviewer},
    )
    return reply
