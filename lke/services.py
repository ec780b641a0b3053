"""Everything that writes LKE data: loading a master list, saving an answer (with its
history), the PortalRB tokens, the proposals and the predicates. Every write is checked,
runs in one transaction and adds an audit event (the import of a ``jawaban-unit`` file
is in ``exchange.py``; reads are in ``selectors.py``)."""

from __future__ import annotations

import hashlib
import json
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from workplan.models import Unit
from zi_portal.accounts.permissions import Action, require
from zi_portal.core.audit import audit_record
from zi_portal.core.choices import AuditAction

from . import scoring, stored
from .models import (
    LkeAnswer,
    LkeAnswerChange,
    LkeMaster,
    LkeQuestion,
    PortalRBRefusal,
    PortalRBRequest,
    PortalRBToken,
    Predicate,
    Proposal,
    Side,
    token_digest,
)
from .permissions import require_answer_right
from .selectors import parsed_master
from .validation import LkeRefused, clean_text, clean_value

MASTER_FILE = settings.BASE_DIR / "fixtures" / "lke-zi-2026-master-soal.json"


# ---------------------------------------------------------------------------------------
# Master list
# ---------------------------------------------------------------------------------------


@transaction.atomic
def master_load(
    raw: bytes, *, source_name: str = "", user: Any = None, ip: str | None = None
) -> tuple[LkeMaster, str]:
    """Store a master list (PortalRB's JSON). Returns the row and "created", "updated" or
    "unchanged". A newer list of a year already loaded replaces it only if every question
    that has answers is still in it."""
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise LkeRefused(_("Berkas master soal bukan JSON yang sah: %(e)s") % {"e": exc}) from exc
    try:
        tree = scoring.parse_master(data)
    except scoring.MasterError as exc:
        raise LkeRefused(_("Master soal tidak dapat dipakai: %(e)s") % {"e": exc}) from exc
    sha = hashlib.sha256(raw).hexdigest()
    master = LkeMaster.objects.select_for_update().filter(year=tree.year).first()
    if master and master.sha256 == sha:
        return master, "unchanged"
    status = "updated" if master else "created"
    if master:
        answered = set(
            LkeQuestion.objects.filter(master=master, answers__isnull=False).values_list(
                "soal_id", flat=True
            )
        )
        missing = sorted(answered - set(tree.questions))
        if missing:
            raise LkeRefused(
                _(
                    "Master soal baru tidak memuat soal yang sudah dijawab (%(ids)s). "
                    "Hapus jawabannya dahulu atau muat master yang memuat soal tersebut."
                )
                % {"ids": ", ".join(map(str, missing))}
            )
        master.data, master.sha256 = data, sha
        master.generated_at, master.total_soal = tree.generated_at, tree.total_soal
        master.source_name = source_name
        master.save()
    else:
        master = LkeMaster.objects.create(
            year=tree.year,
            generated_at=tree.generated_at,
            total_soal=tree.total_soal,
            sha256=sha,
            source_name=source_name,
            data=data,
        )
    existing = {q.soal_id: q for q in LkeQuestion.objects.filter(master=master)}
    rows = [
        LkeQuestion(
            pk=existing.pop(q.soal_id).pk if q.soal_id in existing else None,
            master=master,
            soal_id=q.soal_id,
            part=q.part,
            area_code=q.area_code,
            node_id=q.node_id,
            answer_type=q.answer_type,
            order=order,
        )
        for order, q in enumerate(tree.questions.values(), start=1)
    ]
    # Questions gone from the new list (none of them answered, checked above) go first,
    # then one insert and one update for the rest. Split before inserting: bulk_create
    # gives the new rows their keys, and they must not be updated again.
    new_rows = [r for r in rows if r.pk is None]
    kept_rows = [r for r in rows if r.pk is not None]
    LkeQuestion.objects.filter(pk__in=[q.pk for q in existing.values()]).delete()
    LkeQuestion.objects.bulk_create(new_rows)
    LkeQuestion.objects.bulk_update(
        kept_rows, ["part", "area_code", "node_id", "answer_type", "order"]
    )
    audit_record(
        actor=user,
        ip=ip,
        action=AuditAction.LKE_MASTER,
        obj=master,
        summary=f"Master soal LKE {master.year}: {master.total_soal} soal ({status})",
        after={"sha256": sha, "source": source_name, "status": status},
    )
    return master, status


def master_ensure() -> LkeMaster:
    """The bundled 2026 list, loaded if absent (demo data, tests)."""
    master, _status = master_load(MASTER_FILE.read_bytes(), source_name=MASTER_FILE.name)
    return master


# ---------------------------------------------------------------------------------------
# Answers
# ---------------------------------------------------------------------------------------


def _evidence_snapshot(items, versions=()) -> list[dict]:
    """What the answer linked, as the history keeps it (labels frozen at that moment)."""
    rows = [{"id": r.pk, "label": str(r.cell) + " · " + r.text[:120]} for r in items]
    rows += [
        {
            "id": v.requirement_id,
            "version": v.pk,
            "label": f"{v.requirement.cell} · {v.requirement.text[:80]} · {v.label} "
            f"{v.display_name[:80]}",
        }
        for v in versions
    ]
    return rows


@transaction.atomic
def answer_save(
    *,
    unit: Unit,
    question: LkeQuestion,
    side: str,
    user,
    value: Any,
    note: str = "",
    support: str = "",
    evidence_items=(),
    evidence_versions=(),
    source: str = LkeAnswerChange.Source.WEB,
    ip: str | None = None,
) -> tuple[LkeAnswer | None, bool]:
    """Save one side's answer; returns (answer, changed). Nothing changes → no new
    revision. Every change is kept in ``LkeAnswerChange`` and the audit trail.

    An answer from the form needs the answer right for the question's side
    (``permissions``); an import is the Ketua Tim's (``exchange``, which checks it); with
    no user it is the operator's (the command line)."""
    if user is not None and source == LkeAnswerChange.Source.WEB:
        require_answer_right(user, unit=unit, question=question, side=side)
    tree = parsed_master(question.master)
    cleaned = clean_value(tree.questions[question.soal_id], value)
    note = clean_text(note, soal_id=question.soal_id)
    support = clean_text(support, soal_id=question.soal_id)
    items = sorted({r.pk: r for r in evidence_items}.values(), key=lambda r: r.pk)
    versions = sorted({v.pk: v for v in evidence_versions}.values(), key=lambda v: v.pk)
    if side == Side.TPI:
        support, items, versions = "", [], []
    key = {"unit": unit, "question": question, "side": side}
    answer = LkeAnswer.objects.select_for_update().filter(**key).first()
    if answer is None:
        if not (cleaned or note or support or items or versions):
            return None, False  # an empty form on an unanswered question: nothing to keep
        try:
            with transaction.atomic():
                answer = LkeAnswer.objects.create(**key)
        except IntegrityError:  # a concurrent first save won the insert
            answer = LkeAnswer.objects.select_for_update().get(**key)
    current_items = sorted(answer.evidence_items.values_list("pk", flat=True))
    current_versions = sorted(answer.evidence_versions.values_list("pk", flat=True))
    if (answer.value, answer.note, answer.support, current_items, current_versions) == (
        cleaned,
        note,
        support,
        [r.pk for r in items],
        [v.pk for v in versions],
    ) and answer.revision:
        return answer, False
    answer.value, answer.note, answer.support = cleaned, note, support
    answer.revision += 1
    answer.updated_by = user
    answer.save()
    answer.evidence_items.set(items)
    answer.evidence_versions.set(versions)
    LkeAnswerChange.objects.create(
        answer=answer,
        revision=answer.revision,
        value=cleaned,
        note=note,
        support=support,
        evidence=_evidence_snapshot(items, versions),
        changed_by=user,
        source=source,
    )
    audit_record(
        actor=user,
        ip=ip,
        action=AuditAction.LKE_ANSWER,
        obj=answer,
        summary=f"LKE {question.master.year} soal {question.soal_id} ({side}): "
        f"{cleaned or '-'} (revisi {answer.revision}, {source})",
        after={"value": cleaned, "revision": answer.revision, "source": source},
    )
    stored.score_changed(unit.pk, question.master)
    return answer, True


# ---------------------------------------------------------------------------------------
# PortalRB: tokens, proposals, predicates (the Ketua Tim's settings page)
# ---------------------------------------------------------------------------------------


def _require_manager(user: Any) -> None:
    """The command line (no user) is the operator's; in the portal, the Ketua Tim's."""
    if user is not None:
        require(user, Action.MANAGE_LKE)


@transaction.atomic
def token_issue(
    *, name: str, user: Any = None, unit: Unit | None = None, ip: str | None = None
) -> tuple[PortalRBToken, str]:
    """A new Bearer token for PortalRB; returns the row and the token itself, which is
    shown once: only its SHA-256 is stored. A token issued in the portal reads the
    issuer's unit only; the operator's, on the command line, ``unit`` (or, without
    one, every unit)."""
    _require_manager(user)
    name = (name or "").strip()[:100]
    if not name:
        raise LkeRefused(_("Nama token wajib diisi (paling banyak 100 karakter)."))
    if user is not None and not user.is_superuser:
        unit = user.unit
    raw = PortalRBToken.PREFIX + secrets.token_urlsafe(32)
    token = PortalRBToken(
        name=name, prefix=raw[:12], digest=token_digest(raw), created_by=user, unit=unit
    )
    token.full_clean(exclude=["created_by", "revoked_by"])  # none from the command line
    token.save()
    audit_record(
        actor=user,
        ip=ip,
        action=AuditAction.LKE_TOKEN_ISSUE,
        obj=token,
        summary=f"Token PortalRB {token}",
        after={"name": name, "prefix": token.prefix},
    )
    return token, raw


@transaction.atomic
def token_revoke(*, token: PortalRBToken, user: Any = None, ip: str | None = None) -> bool:
    """Revoke a token (PortalRB then gets 401); False when it was already revoked."""
    _require_manager(user)
    revoked = PortalRBToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by=user
    )
    if revoked:
        audit_record(
            actor=user,
            ip=ip,
            action=AuditAction.LKE_TOKEN_REVOKE,
            obj=token,
            summary=f"Token PortalRB {token} dicabut",
            before={"active": True},
            after={"active": False},
        )
    return bool(revoked)


def _unit_row_save(
    model: type[Proposal] | type[Predicate],
    *,
    key: dict[str, Any],
    values: dict[str, Any],
    user: Any,
    ip: str | None,
    action: str,
    summary: str,
) -> Any:
    """Create or correct the one row of ``model`` with ``key`` (a unit's proposal of a
    year, a unit's predicate of a kind), audited with what it was before."""
    _require_manager(user)
    row = model.objects.select_for_update().filter(**key).first()
    before = {name: getattr(row, name) for name in values} if row else {}
    row = row or model(**key)
    for name, value in values.items():
        setattr(row, name, value)
    row.full_clean()
    row.save()
    audit_record(
        actor=user, ip=ip, action=action, obj=row, summary=summary, before=before, after=values
    )
    return row


@transaction.atomic
def proposal_save(
    *, unit: Unit, year: int, category: str, afirmasi: bool, user: Any, ip: str | None = None
) -> Proposal:
    """Propose ``unit`` to KemenPAN-RB for ``category`` in ``year`` (one proposal per
    unit and year: a second one replaces the first)."""
    return _unit_row_save(
        Proposal,
        key={"unit": unit, "year": year},
        values={"category": category, "afirmasi": afirmasi},
        user=user,
        ip=ip,
        action=AuditAction.LKE_PROPOSAL,
        summary=f"{unit} diusulkan {category} {year}",
    )


@transaction.atomic
def proposal_delete(*, proposal: Proposal, user: Any, ip: str | None = None) -> None:
    _require_manager(user)
    audit_record(
        actor=user,
        ip=ip,
        action=AuditAction.LKE_PROPOSAL,
        obj=proposal,
        summary=f"Usulan {proposal.unit} {proposal.category} {proposal.year} dihapus",
        before={"category": proposal.category, "afirmasi": proposal.afirmasi},
    )
    proposal.delete()


@transaction.atomic
def predicate_save(
    *, unit: Unit, kind: str, year: int, decree: str, user: Any, ip: str | None = None
) -> Predicate:
    """Record a predicate the unit holds (one per kind: a second one corrects the first)."""
    return _unit_row_save(
        Predicate,
        key={"unit": unit, "kind": kind},
        values={"year": year, "decree": decree},
        user=user,
        ip=ip,
        action=AuditAction.LKE_PREDICATE,
        summary=f"{unit}: predikat {kind} {year}",
    )


def portalrb_call_record(
    *, token: PortalRBToken | None, path: str, status: int, ip: str | None
) -> None:
    """Log one call to the PortalRB endpoints. A call with a valid token that was not
    refused for the rate limit gets a row of the access log (which is also the token's
    rate-limit window) and marks the token used; every other call is counted in its
    minute's ``PortalRBRefusal`` row, so that a flood of them adds no row each."""
    if token is not None and status != 429:
        PortalRBRequest.objects.create(token=token, path=path[:300], status=status, remote_addr=ip)
        PortalRBToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        return
    now = timezone.now()
    key = {
        "minute": now.replace(second=0, microsecond=0),
        "remote_addr": ip,
        "status": status,
        "token": token,
    }
    counted = PortalRBRefusal.objects.filter(**key).update(
        count=F("count") + 1, last_at=now, last_path=path[:300]
    )
    if not counted:
        # Two first refusals of a minute at once may make two rows; their counts add up.
        PortalRBRefusal.objects.create(**key, count=1, last_at=now, last_path=path[:300])


def portalrb_log_prune(*, now: datetime | None = None) -> int:
    """Delete access-log and refusal rows older than ``ZI_PORTALRB_LOG_DAYS``; returns
    how many."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.ZI_PORTALRB_LOG_DAYS)
    deleted, _by_model = PortalRBRequest.objects.filter(at__lt=cutoff).delete()
    refusals, _by_model = PortalRBRefusal.objects.filter(minute__lt=cutoff).delete()
    return deleted + refusals
