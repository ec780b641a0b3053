"""Writes of the evaluation: assigning assessors to a unit's year, an assessor's
*sesuai* / *kirim balik* on a question, the unit's answer to a question sent back.
Each runs in one transaction, is audited, and tells the other side through
``signals`` (monitoring makes the notifications)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from lke.models import LkeQuestion, Side
from lke.permissions import require_answer_right
from lke.validation import clean_text
from workplan.models import Unit
from zi_portal.accounts.models import User
from zi_portal.accounts.permissions import Action, require
from zi_portal.accounts.roles import Role
from zi_portal.accounts.units import membership_add
from zi_portal.core.audit import audit_record
from zi_portal.core.choices import AuditAction
from zi_portal.core.errors import Refused

from . import signals
from .choices import Decision
from .models import Assignment, Round


class EvaluationRefused(Refused):
    default_code = "evaluation_refused"


@transaction.atomic
def assessor_assign(
    *, admin: Any, unit: Unit, year: int, assessor: User, is_lead: bool, ip: str | None = None
) -> Assignment:
    """``assessor`` evaluates ``unit``'s ``year`` (and holds the TPI role there); a new
    lead replaces the previous one, who stays a member."""
    require(admin, Action.MANAGE_UNITS)
    if assessor.memberships.exclude(role=Role.TPI).filter(unit=unit).exists():
        raise EvaluationRefused(
            _(
                "%(who)s memegang peran lain di %(unit)s: asesor tidak boleh menilai unit "
                "tempat ia menjadi bagian tim ZI."
            )
            % {"who": assessor.name, "unit": unit.short_name}
        )
    membership_add(user=assessor, unit=unit, role=Role.TPI)
    if is_lead:
        Assignment.objects.filter(unit=unit, year=year, is_lead=True).exclude(
            assessor=assessor
        ).update(is_lead=False)
    assignment, _created = Assignment.objects.update_or_create(
        unit=unit,
        year=year,
        assessor=assessor,
        defaults={"is_lead": is_lead, "assigned_by": admin},
    )
    audit_record(
        actor=admin,
        action=AuditAction.ASSESSOR_ASSIGN,
        obj=assignment,
        summary=f"{assessor} ditugaskan menilai {unit.short_name} {year}"
        + (" sebagai ketua tim" if is_lead else ""),
        ip=ip,
        after={"assessor": assessor.email, "year": year, "lead": is_lead},
        unit=unit,
    )
    return assignment


def latest_round(unit: Unit, question: LkeQuestion, *, lock: bool = False) -> Round | None:
    rows = Round.objects.filter(unit=unit, question=question)
    if lock:
        rows = rows.select_for_update()
    return rows.order_by("-number").first()


@transaction.atomic
def decide(
    *,
    user: Any,
    unit: Unit,
    question: LkeQuestion,
    decision: str,
    note: str = "",
    ip: str | None = None,
) -> Round:
    """An assessor's decision on a question: a new round. *Kirim balik* needs a note
    saying what the unit must do, and waits for the unit's answer before another."""
    require(user, Action.ASSESS_LKE)
    if user.unit_id != unit.pk:
        raise EvaluationRefused(
            _("Pindah dulu ke unit %(unit)s untuk menilainya.") % {"unit": unit.short_name},
            status=403,
        )
    if decision not in Decision.values:
        raise EvaluationRefused(_("Pilih keputusan: sesuai atau kirim balik."))
    note = clean_text(note, soal_id=question.soal_id).strip()
    if decision == Decision.SEND_BACK and not note:
        raise EvaluationRefused(
            _(
                "Tulis catatan untuk unit: apa yang kurang pada jawaban atau bukti dukung "
                "soal ini, dan apa yang harus dilengkapi."
            )
        )
    # One at a time per question: the newest round is locked while the next is made.
    last = latest_round(unit, question, lock=True)
    if last and last.decision == Decision.SEND_BACK and last.replied_at is None:
        raise EvaluationRefused(
            _(
                "Soal %(soal)s sudah dikirim balik pada putaran %(n)s dan belum dijawab unit. "
                "Tunggu jawaban unit sebelum memutuskan lagi."
            )
            % {"soal": question.soal_id, "n": last.number},
            status=409,
        )
    number = (
        Round.objects.filter(unit=unit, question=question).aggregate(n=Max("number"))["n"] or 0
    ) + 1
    row = Round.objects.create(
        unit=unit,
        question=question,
        number=number,
        decision=decision,
        note=note,
        decided_by=user,
    )
    audit_record(
        actor=user,
        action=AuditAction.LKE_EVALUATE,
        obj=row,
        summary=f"Soal {question.soal_id} putaran {number}: {row.get_decision_display()}",
        ip=ip,
        after={"soal": question.soal_id, "round": number, "decision": decision, "note": note},
        unit=unit,
    )
    if decision == Decision.SEND_BACK:
        signals.sent_back.send(sender=Round, round=row)
    return row


@transaction.atomic
def reply(*, user: Any, row: Round, text: str, ip: str | None = None) -> Round:
    """The unit's answer to a question sent back (by its PIC or the Ketua Tim): the
    answer or evidence was mended, and the note says how. Back to the assessor."""
    require_answer_right(user, unit=row.unit, question=row.question, side=Side.UNIT)
    text = clean_text(text, soal_id=row.question.soal_id).strip()
    if not text:
        raise EvaluationRefused(
            _("Tulis jawaban untuk asesor: apa yang sudah diperbaiki atau dilengkapi.")
        )
    last = latest_round(row.unit, row.question, lock=True)
    if last is None or last.pk != row.pk or row.decision != Decision.SEND_BACK:
        raise EvaluationRefused(_("Putaran ini bukan kiriman balik yang terakhir."), status=409)
    if last.replied_at is not None:
        raise EvaluationRefused(
            _("Kiriman balik ini sudah dijawab pada %(at)s.")
            % {"at": timezone.localtime(last.replied_at).strftime("%d-%m-%Y %H:%M")},
            status=409,
        )
    last.reply, last.replied_by, last.replied_at = text, user, timezone.now()
    last.save(update_fields=["reply", "replied_by", "replied_at"])
    audit_record(
        actor=user,
        action=AuditAction.LKE_EVALUATE_REPLY,
        obj=last,
        summary=f"Soal {last.question.soal_id} putaran {last.number}: dijawab unit",
        ip=ip,
        after={"soal": last.question.soal_id, "round": last.number, "reply": text},
        unit=last.unit,
    )
    signals.replied.send(sender=Round, round=last)
    return last
