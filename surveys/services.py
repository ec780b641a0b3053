"""Writes of surveys: services of the unit, making a survey (its questions copied from
the kind's question set), editing wording before the first response, opening and
closing, storing a response, and the Ketua's exclusions and admissions. Each checks,
runs in one transaction and (except a respondent's response) adds an audit event.

A survey's life::

    draft ──open──▶ open ──close (or its end date passes)──▶ closed

Questions may be reworded while no response exists (draft or open)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zi_portal.accounts.permissions import Action, require
from zi_portal.core.audit import audit_record

from . import choices as c
from .choices import ResponseSource, SurveyKind, SurveyStatus
from .errors import SurveyRefused
from .models import (
    Answer,
    Question,
    Response,
    ResponseAdmission,
    ResponseExclusion,
    Service,
    Survey,
)

QUESTION_SETS = Path(__file__).resolve().parent / "questions"


@cache
def question_set(kind: str) -> dict[str, Any]:
    """The shipped question set of a survey kind (``questions/<kind>.json``)."""
    return json.loads((QUESTION_SETS / f"{kind}.json").read_text(encoding="utf-8"))


def _clean(obj: Any) -> None:
    """``full_clean`` with its first problem as a refusal in the person's language."""
    try:
        obj.full_clean()
    except ValidationError as exc:
        messages = [m for ms in exc.message_dict.values() for m in ms]
        raise SurveyRefused(" ".join(messages)) from exc


@transaction.atomic
def service_save(
    *,
    unit: Any,
    user: Any,
    code: str,
    name: str,
    population: int | None,
    service: Service | None = None,
    ip: str | None = None,
) -> Service:
    """Add a service of the unit, or change one (``service``)."""
    require(user, Action.MANAGE_SURVEYS)
    code, name = (code or "").strip().lower(), (name or "").strip()
    if not code or not name:
        raise SurveyRefused(_("Isi kode dan nama jenis layanan."))
    if population is None or population < 1:
        raise SurveyRefused(
            _("Isi jumlah pengguna layanan per tahun dengan bilangan bulat 1 atau lebih.")
        )
    clash = Service.objects.filter(unit=unit, code=code)
    if service is not None:
        clash = clash.exclude(pk=service.pk)
    if clash.exists():
        raise SurveyRefused(
            _("Kode layanan %(code)s sudah dipakai layanan lain unit ini. Pilih kode lain.")
            % {"code": code}
        )
    row = service or Service(unit=unit)
    row.code, row.name, row.population = code, name, population
    _clean(row)
    row.save()
    audit_record(
        actor=user,
        ip=ip,
        action=c.AUDIT_SERVICE_SAVE,
        obj=row,
        summary=f"Layanan {code}: {name} ({population}/tahun)",
    )
    return row


@transaction.atomic
def questions_from_set(survey: Survey) -> None:
    """Give a new survey the shipped question set of its kind, in the set's order."""
    Question.objects.bulk_create(
        Question(
            survey=survey,
            order=order,
            code=q["code"],
            unsur=q["unsur"],
            text=q["text"],
            option_1=q["options"][0],
            option_2=q["options"][1],
            option_3=q["options"][2],
            option_4=q["options"][3],
        )
        for order, q in enumerate(question_set(survey.kind)["questions"], 1)
    )


def survey_create(
    *,
    unit: Any,
    user: Any,
    kind: str,
    title: str,
    starts_on: date | None,
    ends_on: date | None,
    services: Iterable[Service],
    quarter: int | None = None,
    ip: str | None = None,
) -> Survey:
    """A draft survey of the unit with the kind's questions copied in."""
    require(user, Action.MANAGE_SURVEYS)
    if kind not in SurveyKind.values:
        raise SurveyRefused(_("Pilih jenis survei: SKM, IPKP, IPAK atau survei internal."))
    title = (title or "").strip()
    if not title:
        raise SurveyRefused(_("Isi judul survei."))
    if starts_on is None or ends_on is None:
        raise SurveyRefused(_("Isi tanggal mulai dan tanggal selesai survei."))
    if ends_on < starts_on:
        raise SurveyRefused(_("Tanggal selesai tidak boleh sebelum tanggal mulai."))
    if quarter is not None and quarter not in (1, 2, 3, 4):
        raise SurveyRefused(_("Triwulan rencana adalah 1, 2, 3 atau 4 (atau kosong)."))
    services = list(services)
    if not services:
        raise SurveyRefused(_("Pilih sedikitnya satu jenis layanan yang disurvei."))
    if any(s.unit_id != unit.pk for s in services):
        raise SurveyRefused(_("Jenis layanan yang dipilih bukan layanan unit ini."))
    survey = Survey(
        unit=unit,
        kind=kind,
        title=title,
        starts_on=starts_on,
        ends_on=ends_on,
        quarter=quarter,
        created_by=user,
    )
    _clean(survey)
    survey.save()
    survey.services.set(services)
    questions_from_set(survey)
    audit_record(
        actor=user,
        ip=ip,
        action=c.AUDIT_SURVEY_CREATE,
        obj=survey,
        summary=f"Survei {kind.upper()} #{survey.pk}: {title[:200]}",
    )
    return survey


def _locked_refusal() -> SurveyRefused:
    return SurveyRefused(
        _(
            "Pertanyaan tidak dapat diubah karena survei ini sudah menerima respons. "
            "Perubahan kata-kata hanya dapat dilakukan sebelum respons pertama."
        )
    )


@transaction.atomic
def questions_update(
    *, survey: Survey, user: Any, wording: Mapping[int, Mapping[str, str]], ip: str | None = None
) -> int:
    """Reword questions (question id → {"text", "option_1" … "option_4"}) while the
    survey has no response. Returns how many changed."""
    require(user, Action.MANAGE_SURVEYS, survey)
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if survey.responses.exists():
        raise _locked_refusal()
    fields = ("text", "option_1", "option_2", "option_3", "option_4")
    changed = 0
    for question in survey.questions.all():
        new = wording.get(question.pk)
        if not new:
            continue
        values = {f: (new.get(f) or "").strip() for f in fields}
        if not all(values.values()):
            raise SurveyRefused(
                _("Pertanyaan %(code)s: isi teks pertanyaan dan keempat pilihan jawabannya.")
                % {"code": question.code}
            )
        if all(getattr(question, f) == v for f, v in values.items()):
            continue
        for f, v in values.items():
            setattr(question, f, v)
        _clean(question)
        question.save()
        changed += 1
    if changed:
        audit_record(
            actor=user,
            ip=ip,
            action=c.AUDIT_SURVEY_QUESTIONS,
            obj=survey,
            summary=f"Survei #{survey.pk}: {changed} pertanyaan diubah",
        )
    return changed


@transaction.atomic
def survey_set_status(*, survey: Survey, user: Any, status: str, ip: str | None = None) -> Survey:
    """Open a draft survey, or close an open one (closing is final)."""
    require(user, Action.MANAGE_SURVEYS, survey)
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    before = survey.status
    if status == SurveyStatus.OPEN:
        if survey.status != SurveyStatus.DRAFT:
            raise SurveyRefused(_("Hanya survei berstatus draf yang dapat dibuka."))
        if survey.ends_on < timezone.localdate():
            raise SurveyRefused(
                _("Tanggal selesai survei sudah lewat. Buat survei baru dengan periode lain.")
            )
    elif status == SurveyStatus.CLOSED:
        if survey.status != SurveyStatus.OPEN:
            raise SurveyRefused(_("Hanya survei yang sedang dibuka yang dapat ditutup."))
    else:
        raise SurveyRefused(_("Pilih tindakan: buka atau tutup survei."))
    survey.status = status
    survey.save(update_fields=["status"])
    audit_record(
        actor=user,
        ip=ip,
        action=c.AUDIT_SURVEY_STATUS,
        obj=survey,
        summary=f"Survei #{survey.pk}: {survey.get_status_display()}",
        before={"status": before},
        after={"status": status},
    )
    return survey


def response_submit(
    *,
    survey: Survey,
    service: Service,
    answers: Mapping[int, int],
    particulars: Mapping[str, str] | None = None,
    flag_reason: str = "",
    device_digest: str = "",
    address_digest: str = "",
    source: str = ResponseSource.FORM,
) -> Response:
    """Store one respondent's answers (question id → 1–4, every question answered).
    A second response of the same device to the same survey is refused."""
    if source == ResponseSource.FORM and not survey.accepts_responses():
        raise SurveyRefused(_("Survei ini tidak sedang menerima jawaban."), status=410)
    if service.pk not in {s.pk for s in survey.services.all()}:
        raise SurveyRefused(_("Pilih jenis layanan yang Anda terima dari daftar."))
    questions = list(survey.questions.all())
    missing = [q.code for q in questions if answers.get(q.pk) not in (1, 2, 3, 4)]
    if missing:
        raise SurveyRefused(
            _("Jawab semua pertanyaan dengan salah satu dari empat pilihan (belum: %(codes)s).")
            % {"codes": ", ".join(missing)}
        )
    response = Response(
        survey=survey,
        service=service,
        source=source,
        flag_reason=flag_reason,
        device_digest=device_digest,
        address_digest=address_digest,
        **dict(particulars or {}),
    )
    _clean_particulars(response)
    try:
        with transaction.atomic():
            response.save()
            Answer.objects.bulk_create(
                Answer(response=response, question=q, value=answers[q.pk]) for q in questions
            )
    except IntegrityError as exc:
        raise SurveyRefused(_("Perangkat ini sudah mengisi survei ini."), code="duplicate") from exc
    return response


def _clean_particulars(response: Response) -> None:
    try:
        response.clean_fields(exclude=["survey", "service", "submitted_at"])
    except ValidationError as exc:
        raise SurveyRefused(
            _("Data responden tidak dikenal; pilih dari daftar atau kosongkan.")
        ) from exc


def _decision_target(response: Response, user: Any) -> Response:
    require(user, Action.MANAGE_SURVEYS, response.survey)
    response = Response.objects.select_for_update().get(pk=response.pk)
    if ResponseExclusion.objects.filter(response=response).exists():
        raise SurveyRefused(_("Respons #%(id)s sudah dikecualikan.") % {"id": response.pk})
    return response


@transaction.atomic
def response_exclude(
    *, response: Response, user: Any, reason: str, ip: str | None = None
) -> ResponseExclusion:
    """Leave a response out of the results, with the reason (final, audited)."""
    response = _decision_target(response, user)
    reason = (reason or "").strip()
    if not reason:
        raise SurveyRefused(
            _("Tuliskan alasan respons #%(id)s dikecualikan (alasan tampil di laporan).")
            % {"id": response.pk}
        )
    exclusion = ResponseExclusion(response=response, decided_by=user, reason=reason[:2000])
    _clean(exclusion)
    exclusion.save()
    audit_record(
        actor=user,
        ip=ip,
        action=c.AUDIT_RESPONSE_EXCLUDE,
        obj=response.survey,
        summary=f"Respons #{response.pk} dikecualikan: {reason[:200]}",
    )
    return exclusion


@transaction.atomic
def response_admit(
    *, response: Response, user: Any, note: str = "", ip: str | None = None
) -> ResponseAdmission:
    """Count a flagged response after all (audited)."""
    response = _decision_target(response, user)
    if not response.flag_reason:
        raise SurveyRefused(
            _("Respons #%(id)s tidak ditandai; sudah dihitung.") % {"id": response.pk}
        )
    if ResponseAdmission.objects.filter(response=response).exists():
        raise SurveyRefused(_("Respons #%(id)s sudah diterima.") % {"id": response.pk})
    admission = ResponseAdmission(response=response, decided_by=user, reason=(note or "").strip())
    _clean(admission)
    admission.save()
    audit_record(
        actor=user,
        ip=ip,
        action=c.AUDIT_RESPONSE_ADMIT,
        obj=response.survey,
        summary=f"Respons bertanda #{response.pk} diterima ({response.flag_reason})",
    )
    return admission
