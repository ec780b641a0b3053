"""Everything that writes LKE data: loading a master list, saving an answer (with its
history), importing and exporting PortalRB's ``jawaban-unit`` JSON; and the reads the
pages, the API and the reports share (answers of a side, the score of a unit)."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from evidence.models import EvidenceVersion
from workplan.models import CommitmentCell, EvidenceRequirement, Unit, WorkPlan
from zi_portal.core.links import absolute_url

from . import scoring
from .models import LkeAnswer, LkeAnswerChange, LkeMaster, LkeQuestion, Predicate, Side

MASTER_FILE = settings.BASE_DIR / "fixtures" / "lke-zi-2026-master-soal.json"


class LkeRefused(ValueError):
    """An input the LKE cannot take; ``message`` says in the user's language what was wrong
    and what is accepted."""

    def __init__(self, message: str, *, soal_id: int | None = None):
        super().__init__(message)
        self.message = message
        self.soal_id = soal_id


# ---------------------------------------------------------------------------------------
# Master list
# ---------------------------------------------------------------------------------------


@lru_cache(maxsize=8)
def _parsed(pk: int, sha256: str) -> scoring.Master:
    return scoring.parse_master(LkeMaster.objects.only("data").get(pk=pk).data)


def parsed_master(master: LkeMaster) -> scoring.Master:
    """The scoring tree of a stored master list (parsed once per process and version)."""
    return _parsed(master.pk, master.sha256)


def master_for_year(year: int) -> LkeMaster | None:
    return LkeMaster.objects.filter(year=year).defer("data").first()


def master_or_404(year: int) -> LkeMaster:
    """The year's master list, or 404 saying how to load it (pages and API)."""
    master = master_for_year(year)
    if master is None:
        raise Http404(
            _(
                "Master soal LKE tahun %(y)s belum dimuat. Ketua Tim ZI dapat memuatnya dengan "
                "perintah load_lke_master."
            )
            % {"y": year}
        )
    return master


@transaction.atomic
def master_load(raw: bytes, *, source_name: str = "") -> tuple[LkeMaster, str]:
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
    return master, status


def master_ensure() -> LkeMaster:
    """The bundled 2026 list, loaded if absent (demo data, tests)."""
    master, _status = master_load(MASTER_FILE.read_bytes(), source_name=MASTER_FILE.name)
    return master


# ---------------------------------------------------------------------------------------
# Answers
# ---------------------------------------------------------------------------------------

_COUNT_RE = re.compile(r"^\d{1,9}$")


def clean_value(question: scoring.Question, raw: Any) -> str:
    """The answer as stored (and sent to PortalRB), or LkeRefused in Indonesian."""
    if raw is None:
        return ""
    text = str(raw).strip()
    if not text:
        return ""
    kind = question.answer_type
    if kind in scoring.CHOICE_TYPES:
        for option in question.options:
            if option.key.lower() == text.lower():
                return option.key
        keys = " / ".join(o.key for o in question.options)
        raise LkeRefused(
            _("Jawaban “%(v)s” tidak dikenal untuk soal %(id)s. Pilihan yang diterima: %(k)s.")
            % {"v": text[:40], "id": question.soal_id, "k": keys},
            soal_id=question.soal_id,
        )
    if kind == scoring.COUNT:
        if not _COUNT_RE.match(text):
            raise LkeRefused(
                _(
                    "Soal %(id)s meminta jumlah: isi bilangan bulat 0 atau lebih tanpa titik "
                    "atau koma (bukan “%(v)s”)."
                )
                % {"id": question.soal_id, "v": text[:40]},
                soal_id=question.soal_id,
            )
        return str(int(text))
    try:
        value = Decimal(text.replace(",", "."))
    except InvalidOperation:
        value = None
    if (
        value is None
        or not value.is_finite()
        or not 0 <= value <= 4
        or value.as_tuple().exponent < -2
    ):
        raise LkeRefused(
            _(
                "Soal %(id)s meminta nilai survei 0 sampai 4 dengan paling banyak dua angka "
                "desimal, misalnya 3,60 (bukan “%(v)s”)."
            )
            % {"id": question.soal_id, "v": text[:40]},
            soal_id=question.soal_id,
        )
    if value == 0:
        value = Decimal(0)  # "-0" is zero
    return f"{value:.2f}"


_CONTROL_RE = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def clean_text(text: str | None, *, soal_id: int) -> str:
    """A note or support text as stored: line breaks normalised (a vertical tab or form
    feed pasted from a word processor becomes a new line); other control characters
    are refused, since neither the database nor a spreadsheet can keep them."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\v", "\n").replace("\f", "\n").strip()
    if _CONTROL_RE.search(text):
        raise LkeRefused(
            _(
                "Catatan atau bukti dukung soal %(id)s memuat karakter kendali yang tidak "
                "dapat disimpan. Ketik ulang teksnya tanpa karakter tersebut."
            )
            % {"id": soal_id},
            soal_id=soal_id,
        )
    return text


def answers_of(
    *, unit: Unit, master: LkeMaster, side: str, area_code: str | None = None
) -> dict[int, LkeAnswer]:
    """One side's answers by soal id, with their evidence items (of one area's questions
    when ``area_code`` is given; "" is the Hasil part)."""
    rows = LkeAnswer.objects.filter(unit=unit, question__master=master, side=side)
    if area_code is not None:
        rows = rows.filter(question__area_code=area_code)
    rows = rows.select_related("question", "updated_by").prefetch_related(
        Prefetch(
            "evidence_items",
            queryset=EvidenceRequirement.objects.select_related("cell__quarter", "cell__area"),
        ),
        Prefetch(
            "evidence_versions",
            queryset=EvidenceVersion.objects.select_related("requirement__cell__quarter"),
        ),
    )
    return {a.question.soal_id: a for a in rows}


def answer_values(*, unit: Unit, master: LkeMaster, side: str) -> dict[int, str]:
    rows = LkeAnswer.objects.filter(unit=unit, question__master=master, side=side).exclude(value="")
    return dict(rows.values_list("question__soal_id", "value"))


def _evidence_snapshot(items, versions=()) -> list[dict]:
    """What the answer linked, as the history keeps it (labels frozen at that moment)."""
    rows = [{"id": r.pk, "label": str(r.cell) + " · " + r.text[:120]} for r in items]
    rows += [
        {
            "id": v.requirement_id,
            "version": v.pk,
            "label": f"{v.requirement.cell} · {v.requirement.text[:80]} · v{v.number} "
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
) -> tuple[LkeAnswer | None, bool]:
    """Save one side's answer; returns (answer, changed). Nothing changes → no new
    revision. Every change is kept in ``LkeAnswerChange``."""
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
    return answer, True


# ---------------------------------------------------------------------------------------
# Scores
# ---------------------------------------------------------------------------------------


def holds_wbk_predicate(unit: Unit, year: int) -> bool:
    """Menuju WBK obtained before the evaluation year (A6)."""
    return Predicate.objects.filter(
        unit=unit, kind__in=[Predicate.Kind.WBK, Predicate.Kind.WBBM], year__lt=year
    ).exists()


def unit_score(
    *, unit: Unit, master: LkeMaster, side: str, wbk_predicate: bool | None = None
) -> scoring.Score:
    if wbk_predicate is None:
        wbk_predicate = holds_wbk_predicate(unit, master.year)
    return scoring.score(
        parsed_master(master),
        answer_values(unit=unit, master=master, side=side),
        wbk_predicate=wbk_predicate,
    )


@dataclass
class PlanLke:
    plan: WorkPlan
    master: LkeMaster
    tree: scoring.Master
    unit_score: scoring.Score
    tpi_score: scoring.Score


def plan_lke(plan: WorkPlan, master: LkeMaster | None = None) -> PlanLke | None:
    """The LKE of a plan's unit and year, both sides scored (None: no master that year)."""
    master = master or master_for_year(plan.year)
    if master is None:
        return None
    predicate = holds_wbk_predicate(plan.unit, master.year)
    return PlanLke(
        plan=plan,
        master=master,
        tree=parsed_master(master),
        unit_score=unit_score(
            unit=plan.unit, master=master, side=Side.UNIT, wbk_predicate=predicate
        ),
        tpi_score=unit_score(unit=plan.unit, master=master, side=Side.TPI, wbk_predicate=predicate),
    )


# ---------------------------------------------------------------------------------------
# PortalRB's jawaban-unit JSON
# ---------------------------------------------------------------------------------------


_ITEM_URL_RE = re.compile(r"/butir/(\d+)/?$")
_VERSION_URL_RE = re.compile(r"/versi/(\d+)/unduh/?$")


def bukti_dukung(answer: LkeAnswer | None) -> str | None:
    """Links to the evidence in the portal, then the other support, one per line."""
    if answer is None:
        return None
    lines = [absolute_url("evidence:item", r.pk) for r in answer.evidence_items.all()]
    lines += [absolute_url("evidence:download", v.pk) for v in answer.evidence_versions.all()]
    if answer.support:
        lines.append(answer.support)
    return "\n".join(lines) or None


def jawaban_unit(*, unit: Unit, master: LkeMaster) -> dict:
    """The ``GET /lke/jawaban-unit/{unit_id}`` document: one entry per master soal."""
    tree = parsed_master(master)
    mine = answers_of(unit=unit, master=master, side=Side.UNIT)
    tpi = answers_of(unit=unit, master=master, side=Side.TPI)

    def text(value: str | None) -> str | None:
        return value or None

    answers = []
    for soal_id in tree.questions:
        u, t = mine.get(soal_id), tpi.get(soal_id)
        answers.append(
            {
                "soal_id": soal_id,
                "jawaban_unit": text(u.value) if u else None,
                "jawaban_tpi": text(t.value) if t else None,
                "catatan_unit": text(u.note) if u else None,
                "bukti_dukung_unit": bukti_dukung(u),
                "catatan_tpi": text(t.note) if t else None,
            }
        )
    return {
        "unit_id": unit.code,
        "nama_unit": unit.name,
        "tahun": master.year,
        "answers": answers,
    }


def _split_support(text: str | None) -> tuple[list[int], list[int], str]:
    """Portal links back to item and version ids; everything else stays free text."""
    item_ids, version_ids, rest = [], [], []
    prefix = settings.ZI_SITE_URL.rstrip("/") + "/"
    for line in (text or "").splitlines():
        line = line.strip()
        item = _ITEM_URL_RE.search(line)
        version = _VERSION_URL_RE.search(line)
        if item and line.startswith(prefix):
            item_ids.append(int(item.group(1)))
        elif version and line.startswith(prefix):
            version_ids.append(int(version.group(1)))
        elif line:
            rest.append(line)
    return item_ids, version_ids, "\n".join(rest)


@dataclass
class ImportResult:
    unit: Unit
    year: int
    changed: int
    unchanged: int


def _field(entry: dict, key: str, index: int) -> str | None:
    value = entry.get(key)
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    raise LkeRefused(
        _("Entri ke-%(n)s: %(k)s harus berupa teks atau null.") % {"n": index, "k": key}
    )


@transaction.atomic
def import_jawaban_unit(raw: bytes, *, user=None, year: int | None = None) -> ImportResult:
    """Import a ``jawaban-unit`` document: all answers or none."""
    try:
        doc = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise LkeRefused(_("Berkas bukan JSON yang sah: %(e)s") % {"e": exc}) from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("answers"), list):
        raise LkeRefused(
            _(
                "Format tidak dikenal: diharapkan objek jawaban-unit PortalRB dengan unit_id, "
                "tahun dan daftar answers."
            )
        )
    unit_id = doc.get("unit_id")
    unit = Unit.objects.filter(code=str(unit_id)).first() if unit_id is not None else None
    if unit is None:
        raise LkeRefused(
            _("Unit “%(u)s” pada berkas tidak terdaftar di portal. Unit yang ada: %(all)s.")
            % {"u": unit_id, "all": ", ".join(Unit.objects.values_list("code", flat=True))}
        )
    file_year = doc.get("tahun")
    if file_year is not None and (not isinstance(file_year, int) or isinstance(file_year, bool)):
        raise LkeRefused(_("Kolom tahun pada berkas harus bilangan bulat, mis. 2026."))
    year = year or file_year
    if not isinstance(year, int) or isinstance(year, bool):
        raise LkeRefused(_("Tahun tidak ada pada berkas; sebutkan dengan --year."))
    if file_year not in (None, year):
        raise LkeRefused(
            _("Berkas untuk tahun %(f)s, tetapi impor diminta untuk tahun %(y)s.")
            % {"f": file_year, "y": year}
        )
    master = master_for_year(year)
    if master is None:
        raise LkeRefused(
            _("Master soal LKE tahun %(y)s belum dimuat (load_lke_master).") % {"y": year}
        )
    tree = parsed_master(master)
    questions = {q.soal_id: q for q in LkeQuestion.objects.filter(master=master)}
    items = {r.pk: r for r in EvidenceRequirement.objects.filter(cell__quarter__plan__unit=unit)}
    versions = {
        v.pk: v
        for v in EvidenceVersion.objects.filter(
            requirement__cell__quarter__plan__unit=unit
        ).select_related("requirement__cell__quarter")
    }
    changed = unchanged = 0
    seen = set()
    for index, entry in enumerate(doc["answers"], start=1):
        if not isinstance(entry, dict) or not isinstance(entry.get("soal_id"), int):
            raise LkeRefused(
                _("Entri ke-%(n)s tidak memiliki soal_id bilangan bulat.") % {"n": index}
            )
        soal_id = entry["soal_id"]
        if soal_id not in questions:
            raise LkeRefused(
                _("Entri ke-%(n)s: soal_id %(id)s tidak ada di master soal %(y)s.")
                % {"n": index, "id": soal_id, "y": year}
            )
        if soal_id in seen:
            raise LkeRefused(_("soal_id %(id)s muncul dua kali.") % {"id": soal_id})
        seen.add(soal_id)
        ids, version_ids, support = _split_support(_field(entry, "bukti_dukung_unit", index))
        unknown = [i for i in ids if i not in items] + [i for i in version_ids if i not in versions]
        if unknown:
            raise LkeRefused(
                _("Soal %(id)s: tautan evidence %(ids)s bukan butir evidence unit ini.")
                % {"id": soal_id, "ids": ", ".join(map(str, unknown))}
            )
        picked = [versions[i] for i in version_ids]
        sides = [
            (Side.UNIT, "jawaban_unit", "catatan_unit", [items[i] for i in ids], support),
            (Side.TPI, "jawaban_tpi", "catatan_tpi", [], ""),
        ]
        for side, value_key, note_key, evidence, other in sides:
            side_versions = picked if side == Side.UNIT else []
            value, note = _field(entry, value_key, index), _field(entry, note_key, index)
            exists = LkeAnswer.objects.filter(
                unit=unit, question=questions[soal_id], side=side
            ).exists()
            if not exists and not (value or note or evidence or side_versions or other):
                continue
            clean_value(tree.questions[soal_id], value)  # refuse before writing anything
            _answer, did = answer_save(
                unit=unit,
                question=questions[soal_id],
                side=side,
                user=user,
                value=value,
                note=note or "",
                support=other,
                evidence_items=evidence,
                evidence_versions=side_versions,
                source=LkeAnswerChange.Source.IMPORT,
            )
            changed += did
            unchanged += not did
    return ImportResult(unit=unit, year=year, changed=changed, unchanged=unchanged)


def lke_tasks(*, user, plan: WorkPlan) -> list[dict]:
    """The LKE areas ``user`` answers as PIC in ``plan``, with how many are answered
    (for *Tugas saya*). Three queries."""
    codes = set(
        CommitmentCell.objects.filter(quarter__plan=plan, pic=user).values_list(
            "area__code", flat=True
        )
    )
    master = master_for_year(plan.year) if codes else None
    if master is None:
        return []
    answered = Q(answers__unit=plan.unit, answers__side=Side.UNIT, answers__value__gt="")
    rows = (
        LkeQuestion.objects.filter(master=master, area_code__in=codes)
        .values("area_code")
        .annotate(total=Count("pk", distinct=True), answered=Count("answers", filter=answered))
    )
    return [
        {
            "code": r["area_code"],
            "total": r["total"],
            "answered": r["answered"],
            "url": reverse("lke:area", args=[plan.year, r["area_code"]]),
        }
        for r in sorted(rows, key=lambda r: r["area_code"])
    ]
