"""Survey values for the LKE: the unit's latest IPAK and IPKP survey, offered beside the
Hasil part's two survey questions (the LKE's 0–4 value: IPAK for "Birokrasi yang bersih
dan akuntabel", IPKP for "Pelayanan publik yang prima"), and taking one into the unit's
LKE answer through the LKE's own ``answer_save``, with where it came from
(``LkeTakeover``) and an audit event.

Registered with ``lke.hooks`` in ``SurveysConfig.ready``: lke never imports surveys.

Which survey: of the unit's IPAK (or IPKP) surveys whose period touches the LKE's year,
the closed one that ended last; without a closed one, the one running today. Drafts and
surveys not started yet give nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from lke import scoring as lke_scoring
from lke.hooks import SourceValue
from lke.models import LkeAnswer, LkeMaster, LkeQuestion, Side
from lke.permissions import require_answer_right
from lke.selectors import parsed_master
from lke.services import answer_save
from zi_portal.core.audit import audit_record
from zi_portal.core.choices import AuditAction

from . import scoring
from .choices import SurveyKind, SurveyStatus
from .errors import SurveyRefused
from .models import Survey
from .models_lke import LkeTakeover
from .selectors import survey_results

AUDIT_LKE_TAKEOVER = AuditAction.SURVEY_LKE_TAKEOVER
# The Hasil half whose survey question each kind answers.
PART_OF_KIND = {SurveyKind.IPAK: lke_scoring.BERSIH, SurveyKind.IPKP: lke_scoring.PRIMA}
KIND_OF_PART = {part: kind for kind, part in PART_OF_KIND.items()}


def _in_year(year: int) -> Q:
    return Q(starts_on__lte=date(year, 12, 31), ends_on__gte=date(year, 1, 1))


def _candidates(unit: Any, year: int):
    return (
        Survey.objects.filter(unit=unit, kind__in=list(PART_OF_KIND))
        .filter(_in_year(year))
        .exclude(status=SurveyStatus.DRAFT)
    )


def latest_surveys(unit: Any, year: int, today: date | None = None) -> dict[str, Survey]:
    """kind → the survey whose value the LKE of ``year`` is offered (one query)."""
    today = today or timezone.localdate()
    chosen: dict[str, Survey] = {}
    running: dict[str, Survey] = {}
    for survey in _candidates(unit, year).order_by("-ends_on", "-pk"):
        phase = survey.phase(today)
        if phase == "closed":
            chosen.setdefault(survey.kind, survey)
        elif phase == "open":
            running.setdefault(survey.kind, survey)
    return {**running, **chosen}


@dataclass
class Offer:
    """What a survey would give the LKE of a year."""

    survey: Survey
    soal_id: int
    respondents: int
    value: str  # the mean on 1–4, rounded to two decimals half-up ("" without respondents)
    closed: bool

    @property
    def few(self) -> bool:
        return self.respondents < scoring.MIN_RESPONDENTS


def _soal_of(tree: lke_scoring.Master, kind: str) -> int | None:
    part = PART_OF_KIND.get(kind)
    for q in tree.questions.values():
        if q.part == part and q.answer_type == lke_scoring.SURVEY:
            return q.soal_id
    return None


def offer_of(survey: Survey, tree: lke_scoring.Master, today: date | None = None) -> Offer | None:
    """The value ``survey`` gives the LKE ``tree`` (None: no LKE question takes it)."""
    soal_id = _soal_of(tree, survey.kind)
    if soal_id is None:
        return None
    total = survey_results(survey).total
    value = ""
    if total.respondents and total.mean is not None:
        value = str(scoring.rounded(total.mean, Decimal("0.01")))
    closed = survey.phase(today) == "closed"
    return Offer(survey, soal_id, total.respondents, value, closed)


def period_text(survey: Survey | LkeTakeover) -> str:
    return (
        f"{date_format(survey.starts_on, 'DATE_FORMAT')} – "
        f"{date_format(survey.ends_on, 'DATE_FORMAT')}"
    )


def few_text() -> str:
    return _("kurang dari %(n)s responden") % {"n": scoring.MIN_RESPONDENTS}


def offer_label(offer: Offer) -> str:
    state = _("ditutup") if offer.closed else _("sedang berjalan")
    return _("%(title)s (%(period)s, %(state)s, %(n)s responden)") % {
        "title": offer.survey.title,
        "period": period_text(offer.survey),
        "state": state,
        "n": offer.respondents,
    }


def provenance_text(takeover: LkeTakeover) -> str:
    text = _(
        "Jawaban unit diambil dari %(title)s (%(period)s, %(n)s responden) oleh %(who)s, %(when)s."
    ) % {
        "title": takeover.survey.title,
        "period": period_text(takeover),
        "n": takeover.respondents,
        "who": takeover.taken_by.name,
        "when": date_format(timezone.localtime(takeover.taken_at), "DATE_FORMAT"),
    }
    if takeover.below_minimum:
        text += " " + _("Nilai dari %(few)s.") % {"few": few_text()}
    return text


def current_takeovers(unit: Any, year: int, soal_ids: list[int]) -> dict[int, LkeTakeover]:
    """soal id → the take-over the unit's answer still holds (not changed by hand since)."""
    rows = (
        LkeTakeover.objects.filter(unit=unit, year=year, soal_id__in=soal_ids)
        .select_related("survey", "taken_by", "answer")
        .order_by("-pk")
    )
    found: dict[int, LkeTakeover] = {}
    for row in rows:
        if row.soal_id not in found and row.answer.revision == row.revision:
            found[row.soal_id] = row
    return found


class SurveyValueSource:
    """The ``lke.hooks`` source of the Hasil part's survey questions."""

    def mark(self, *, unit: Any, year: int, questions: list) -> tuple:
        """The unit's candidate surveys with their responses, decisions and take-overs,
        and the day (a survey runs or closes with the date): one query."""
        if not any(q.part in KIND_OF_PART for q in questions):
            return ()
        rows = (
            _candidates(unit, year)
            .order_by("pk")
            .annotate(
                n=Count("responses", distinct=True),
                last=Max("responses__pk"),
                out=Count("responses__exclusion", distinct=True),
                admitted=Count("responses__admission", distinct=True),
                taken=Max("lke_takeovers__pk"),
            )
            .values_list(
                "pk", "kind", "status", "title", "starts_on", "ends_on", "n", "last", "out",
                "admitted", "taken",
            )
        )  # fmt: skip
        return (timezone.localdate(), tuple(rows))

    def values(self, *, unit: Any, year: int, questions: list) -> dict[int, list[SourceValue]]:
        wanted = {q.soal_id: KIND_OF_PART[q.part] for q in questions if q.part in KIND_OF_PART}
        if not wanted:
            return {}
        master = LkeMaster.objects.filter(year=year).only("pk", "sha256").first()
        if master is None:
            return {}
        tree = parsed_master(master)
        surveys = latest_surveys(unit, year)
        taken = current_takeovers(unit, year, list(wanted))
        found: dict[int, list[SourceValue]] = {}
        for soal_id, kind in wanted.items():
            survey = surveys.get(kind)
            held = taken.get(soal_id)
            if survey is None:
                found[soal_id] = [
                    SourceValue(
                        value="—",
                        label=_("Belum ada survei %(kind)s tahun ini.") % {"kind": kind.upper()},
                        provenance=provenance_text(held) if held else "",
                    )
                ]
                continue
            offer = offer_of(survey, tree)
            if offer is None or offer.soal_id != soal_id:
                continue
            is_taken = bool(held and held.survey_id == survey.pk and held.value == offer.value)
            found[soal_id] = [
                SourceValue(
                    value=offer.value or "—",
                    label=offer_label(offer),
                    few=offer.few,
                    few_text=few_text(),
                    taken=is_taken,
                    take_url=reverse("surveys:lke_take", args=[survey.pk]) if offer.value else "",
                    take_text=_("Ambil nilai %(v)s ke jawaban unit") % {"v": offer.value},
                    provenance=provenance_text(held) if held else "",
                    hidden={"tahun": str(year), "kembali": "lke"},
                )
            ]
        return found


SOURCE = SurveyValueSource()


@transaction.atomic
def survey_lke_take(*, survey: Survey, user: Any, year: int, ip: str | None = None) -> LkeTakeover:
    """Write ``survey``'s value into the unit's LKE answer of ``year`` (keeping its note
    and evidence), with where it came from; refused with the reason, nothing written."""
    survey = Survey.objects.select_related("unit").get(pk=survey.pk)
    if survey.kind not in PART_OF_KIND:
        raise SurveyRefused(_("Hanya nilai survei IPAK dan IPKP yang dapat diambil ke LKE."))
    master = LkeMaster.objects.filter(year=year).first()
    if master is None:
        raise SurveyRefused(
            _("Master soal LKE %(year)s belum dimuat; muat master soal tahun itu dahulu.")
            % {"year": year}
        )
    tree = parsed_master(master)
    offer = offer_of(survey, tree)
    if offer is None:
        raise SurveyRefused(_("Master soal LKE ini tidak memuat soal nilai survei tersebut."))
    question = LkeQuestion.objects.select_related("master").get(
        master=master, soal_id=offer.soal_id
    )
    require_answer_right(user, unit=survey.unit, question=question, side=Side.UNIT)
    if not _candidates(survey.unit, year).filter(pk=survey.pk).exists():
        raise SurveyRefused(
            _("Periode survei ini tidak termasuk tahun %(year)s; pilih LKE tahun periodenya.")
            % {"year": year}
        )
    if survey.phase() not in ("open", "closed"):
        raise SurveyRefused(_("Survei ini belum berjalan; nilainya dapat diambil setelah dibuka."))
    if not offer.value:
        raise SurveyRefused(
            _("Survei ini belum memiliki respons yang dihitung; belum ada nilai yang diambil.")
        )
    existing = (
        LkeAnswer.objects.filter(unit=survey.unit, question=question, side=Side.UNIT)
        .prefetch_related("evidence_items", "evidence_versions__requirement__cell")
        .first()
    )
    answer, _changed = answer_save(
        unit=survey.unit,
        question=question,
        side=Side.UNIT,
        user=user,
        value=offer.value,
        note=existing.note if existing else "",
        support=existing.support if existing else "",
        evidence_items=list(existing.evidence_items.all()) if existing else (),
        evidence_versions=list(existing.evidence_versions.all()) if existing else (),
        ip=ip,
    )
    assert answer is not None  # a value was written
    takeover = LkeTakeover(
        unit=survey.unit,
        survey=survey,
        answer=answer,
        year=year,
        soal_id=offer.soal_id,
        revision=answer.revision,
        value=offer.value,
        starts_on=survey.starts_on,
        ends_on=survey.ends_on,
        respondents=offer.respondents,
        below_minimum=offer.few,
        survey_closed=offer.closed,
        taken_by=user,
    )
    takeover.full_clean()
    takeover.save()
    audit_record(
        actor=user,
        ip=ip,
        action=AUDIT_LKE_TAKEOVER,
        obj=takeover,
        unit=survey.unit,
        summary=f"Nilai {survey.kind.upper()} {offer.value} dari survei #{survey.pk} "
        f"({offer.respondents} responden) ke LKE {year} soal {offer.soal_id}",
        after={
            "survey": survey.pk,
            "soal": offer.soal_id,
            "value": offer.value,
            "respondents": offer.respondents,
            "below_minimum": offer.few,
            "period": [survey.starts_on.isoformat(), survey.ends_on.isoformat()],
        },
    )
    return takeover
