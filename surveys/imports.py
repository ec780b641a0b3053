"""Responses collected elsewhere (paper forms, Google Forms) imported into a survey from
a CSV or XLSX file, on the survey's page and with ``manage.py import_survey_responses``.

The file: one row per respondent under a header row. A ``layanan`` column holds the
service's code or name; then one column per question, headed by the question's code
(``U3``) or its position (``3``), each answered 1–4; optional columns ``usia``,
``jenis_kelamin``, ``pendidikan``, ``pekerjaan`` hold a choice's value or its label
(``surveys/choices.py``). CSV is UTF-8 (with or without the byte-order mark) with commas
or semicolons (Indonesian Excel writes ``;``). Rows are numbered as the spreadsheet
shows them (the header is row 1).

All or nothing: every problem is named by row and column, and when there is one nothing
is stored. Imported responses are marked ``source = import``; they never pass the public
form's device, rate, honeypot or time checks, so they are never flagged. The file's
SHA-256 is kept per import (``ResponseImport``) and the same file is refused the second
time for the same survey. A draft survey is refused: its questions may still be
reworded, and the first response fixes them."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import formats, translation
from django.utils.translation import gettext as _

from zi_portal.accounts.permissions import Action, require
from zi_portal.core.audit import audit_record
from zi_portal.core.choices import AuditAction
from zi_portal.core.exports import csv_writer

from .choices import AgeBand, Education, Occupation, ResponseSource, Sex, SurveyStatus
from .errors import SurveyRefused
from .models import Answer, Question, Response, ResponseImport, Service, Survey
from .xlsx import UnreadableWorkbook, sheet_rows

AUDIT_RESPONSE_IMPORT = AuditAction.SURVEY_RESPONSE_IMPORT
MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000
# An XLSX is a ZIP: refuse one that would unpack to more than this (a "zip bomb").
MAX_XLSX_UNPACKED = 100 * 1024 * 1024
MAX_LISTED_PROBLEMS = 50
XLSX_MAGIC = b"PK\x03\x04"
_ANSWER = re.compile(r"[1-4](?:[.,]0+)?")  # 3, or 3.0 / 3,0 as some sheets write it
_NUMBER = re.compile(r"[+-]?[0-9]+(?:[.,][0-9]+)?")
SERVICE_COLUMN = "layanan"
# (column, Response field, vocabulary)
DEMOGRAPHICS = (
    ("usia", "age_band", AgeBand),
    ("jenis_kelamin", "sex", Sex),
    ("pendidikan", "education", Education),
    ("pekerjaan", "occupation", Occupation),
)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the file; ``row`` as the spreadsheet numbers it."""

    text: str
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        where = {"row": self.row, "column": self.column, "text": self.text}
        if self.row is not None and self.column:
            return _("Baris %(row)s, kolom %(column)s: %(text)s") % where
        return _("Baris %(row)s: %(text)s") % where if self.row is not None else self.text


class ImportRefused(SurveyRefused):
    """The file was refused; ``problems`` lists every problem found (nothing stored)."""

    default_code = "import_refused"

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        listed = [str(p) for p in self.problems[:MAX_LISTED_PROBLEMS]]
        more = len(self.problems) - len(listed)
        if more > 0:
            listed.append(_("… dan %(n)s masalah lain.") % {"n": more})
        intro = _(
            "Impor dibatalkan; tidak ada respons yang disimpan. Perbaiki berkas lalu unggah lagi:"
        )
        super().__init__(" ".join([intro, *listed]))
        self.lines = listed


def _refused(text: str) -> ImportRefused:
    return ImportRefused([Problem(text)])


def _text(value: Any) -> str:
    """A cell as text: whole numbers without ".0" (XLSX stores 3 as 3.0 at times)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# --- reading the file -----------------------------------------------------------------


def read_table(data: bytes) -> list[list[str]]:
    """The file's rows as text cells (XLSX by its signature, CSV otherwise)."""
    if data.startswith(XLSX_MAGIC):
        return _xlsx_rows(data)
    return _csv_rows(data)


def _csv_rows(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _refused(
            _(
                "Berkas bukan CSV UTF-8 atau XLSX. Di Excel simpan sebagai “CSV UTF-8 "
                "(Comma delimited)” atau “Excel Workbook (.xlsx)”."
            )
        ) from exc
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = ";" if first.count(";") > first.count(",") else ","
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise _refused(_("Berkas CSV tidak dapat dibaca: %s") % exc) from exc
    return [[cell.strip() for cell in row] for row in rows]


def _xlsx_rows(data: bytes) -> list[list[str]]:
    try:
        rows = sheet_rows(data, limit=MAX_ROWS + 2, max_unpacked=MAX_XLSX_UNPACKED)
    except UnreadableWorkbook as exc:
        raise _refused(
            _("Berkas XLSX tidak dapat dibaca. Simpan ulang dari Excel sebagai .xlsx.")
        ) from exc
    return [[_text(v) for v in row] for row in rows]


# --- the columns ----------------------------------------------------------------------


def template_columns(survey: Survey, questions: Sequence[Question] | None = None) -> list[str]:
    """The header row a file for ``survey`` (its ``questions``, read if not given) has."""
    codes = [q.code for q in (survey.questions.all() if questions is None else questions)]
    return [SERVICE_COLUMN, *codes, *(name for name, _f, _v in DEMOGRAPHICS)]


def template_csv(survey: Survey) -> str:
    out = io.StringIO()
    csv_writer(out, lineterminator="\r\n").writerow(template_columns(survey))
    return out.getvalue()


def _header_key(value: str) -> str:
    return "_".join(value.strip().lower().replace("-", " ").split())


@dataclass
class Columns:
    service: int
    questions: list[tuple[int, Question]]
    demographics: list[tuple[int, str, str, Any]]  # (index, column, field, vocabulary)


def _columns(header: list[str], questions: list[Question]) -> tuple[Columns | None, list[Problem]]:
    by_key: dict[str, Question] = {}
    for position, q in enumerate(questions, 1):
        by_key[q.code.lower()] = q
        by_key[str(position)] = q
    demographic = {name: (field, vocab) for name, field, vocab in DEMOGRAPHICS}
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    service = None
    answers: list[tuple[int, Question]] = []
    extra: list[tuple[int, str, str, Any]] = []
    for index, raw in enumerate(header):
        key = _header_key(raw)
        if not key:
            continue
        target = by_key[key].code if key in by_key else key
        if target in seen:
            problems.append(Problem(_("kolom ganda; setiap kolom hanya sekali."), 1, raw))
            continue
        seen[target] = index
        if key == SERVICE_COLUMN:
            service = index
        elif key in by_key:
            answers.append((index, by_key[key]))
        elif key in demographic:
            extra.append((index, key, *demographic[key]))
        else:
            accepted = ", ".join([SERVICE_COLUMN, *(q.code for q in questions), *demographic])
            text = _("kolom tidak dikenal. Kolom yang diterima: %(accepted)s (kolom pertanyaan "
                     "boleh juga diberi nomor urutnya).") % {"accepted": accepted}  # fmt: skip
            problems.append(Problem(text, 1, raw))
    if service is None:
        problems.append(
            Problem(
                _("kolom wajib tidak ada: isi kode atau nama jenis layanan."), 1, SERVICE_COLUMN
            )
        )
    answered = {q.pk for _i, q in answers}
    for q in questions:
        if q.pk not in answered:
            problems.append(Problem(_("kolom pertanyaan tidak ada (wajib, nilai 1–4)."), 1, q.code))
    if problems:
        return None, problems
    return Columns(service, answers, extra), []


# --- the rows -------------------------------------------------------------------------


def _fold(text: str) -> str:
    return " ".join(text.replace("–", "-").replace("—", "-").casefold().split())


def _vocabulary(vocab: Any) -> dict[str, str]:
    """Accepted spellings (value, Indonesian label, English label) → stored value."""
    accepted: dict[str, str] = {}
    for value, label in vocab.choices:
        accepted[_fold(value)] = value
        for language in ("id", "en"):
            with translation.override(language):
                accepted.setdefault(_fold(str(label)), value)
    return accepted


def _accepted_list(vocab: Any) -> str:
    return ", ".join(f"{value} ({label})" for value, label in vocab.choices)


def _answer(text: str) -> tuple[int | None, str]:
    if not text:
        return None, _("kosong; isi 1, 2, 3 atau 4 (setiap pertanyaan wajib dijawab).")
    if _ANSWER.fullmatch(text):
        return int(text[0]), ""
    if _NUMBER.fullmatch(text):
        return None, _("nilai %(value)s di luar 1–4.") % {"value": text[:40]}
    return None, _("“%(value)s” bukan angka; isi 1, 2, 3 atau 4.") % {"value": text[:40]}


@dataclass
class Row:
    number: int
    service: Service
    answers: dict[int, int]
    particulars: dict[str, str]


def parse_rows(
    rows: list[list[str]], questions: list[Question], services: list[Service]
) -> list[Row]:
    """The respondents of the file, or ``ImportRefused`` naming every problem."""
    if not rows or not any(rows[0]):
        raise _refused(_("Berkas kosong: baris 1 harus berisi judul kolom."))
    columns, problems = _columns(rows[0], questions)
    if columns is None:
        raise ImportRefused(problems)
    body = [(n, row) for n, row in enumerate(rows[1:], 2) if any(c for c in row)]
    if not body:
        raise _refused(_("Berkas tidak berisi respons di bawah baris judul."))
    if len(body) > MAX_ROWS:
        raise _refused(
            _("Berkas berisi lebih dari %(n)s respons; bagi menjadi beberapa berkas.")
            % {"n": MAX_ROWS}
        )
    by_name: dict[str, Service] = {}
    for s in services:
        by_name.setdefault(_fold(s.code), s)
        by_name.setdefault(_fold(s.name), s)
    service_list = ", ".join(f"{s.code} ({s.name})" for s in services)
    vocabularies = {name: _vocabulary(vocab) for name, _f, vocab in DEMOGRAPHICS}
    header = rows[0]
    parsed: list[Row] = []
    for number, row in body:

        def cell(index: int, row: list[str] = row) -> str:
            return row[index].strip() if index < len(row) else ""

        raw_service = cell(columns.service)
        service = by_name.get(_fold(raw_service))
        if service is None:
            what = (
                _("kosong")
                if not raw_service
                else _("“%(value)s” bukan jenis layanan survei ini") % {"value": raw_service[:60]}
            )
            problems.append(
                Problem(
                    _("%(what)s; isi kode atau nama salah satu: %(list)s.")
                    % {"what": what, "list": service_list},
                    number,
                    header[columns.service],
                )
            )
        values: dict[int, int] = {}
        for index, question in columns.questions:
            value, problem = _answer(cell(index))
            if problem:
                problems.append(Problem(problem, number, header[index]))
            else:
                values[question.pk] = value
        particulars: dict[str, str] = {}
        for index, name, field, vocab in columns.demographics:
            raw = cell(index)
            if not raw:
                continue
            value = vocabularies[name].get(_fold(raw))
            if value is None:
                problems.append(
                    Problem(
                        _("“%(value)s” tidak dikenal; isi salah satu: %(list)s, atau kosongkan.")
                        % {"value": raw[:60], "list": _accepted_list(vocab)},
                        number,
                        header[index],
                    )
                )
            else:
                particulars[field] = value
        if service is not None:
            parsed.append(Row(number, service, values, particulars))
    if problems:
        raise ImportRefused(problems)
    return parsed


# --- the import -----------------------------------------------------------------------


def _earlier_refusal(earlier: ResponseImport) -> SurveyRefused:
    when = formats.date_format(earlier.imported_at, "DATE_FORMAT")
    who = earlier.imported_by.name if earlier.imported_by else _("baris perintah")
    return SurveyRefused(
        _(
            "Berkas yang sama persis (SHA-256 sama) sudah diimpor ke survei ini pada "
            "%(when)s oleh %(who)s (%(n)s respons), jadi tidak diimpor lagi. Bila berkas "
            "berisi respons baru, unggah berkas yang hanya memuat respons baru itu."
        )
        % {"when": when, "who": who, "n": earlier.rows},
        code="already_imported",
    )


@transaction.atomic
def responses_import(
    *, survey: Survey, data: bytes, filename: str, user: Any = None, ip: str | None = None
) -> ResponseImport:
    """Import the file's responses into ``survey``: all of them, or none (``ImportRefused``
    naming every problem, ``SurveyRefused`` for the survey's state or a file imported
    before). ``user`` None is the operator at the command line."""
    if user is not None:
        require(user, Action.MANAGE_SURVEYS, survey)
    # The survey's row lock serialises two imports of the same file (and the check below).
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if survey.status == SurveyStatus.DRAFT:
        raise SurveyRefused(
            _(
                "Survei ini masih draf. Buka survei terlebih dahulu (kata-kata pertanyaannya "
                "menjadi tetap sejak respons pertama), lalu impor respons."
            )
        )
    if len(data) > MAX_IMPORT_BYTES:
        raise SurveyRefused(
            _("Berkas terlalu besar (maksimal 5 MB). Bagi respons menjadi beberapa berkas.")
        )
    sha256 = hashlib.sha256(data).hexdigest()
    earlier = (
        ResponseImport.objects.filter(survey=survey, sha256=sha256)
        .select_related("imported_by")
        .first()
    )
    if earlier is not None:
        raise _earlier_refusal(earlier)
    questions = list(survey.questions.all())
    rows = parse_rows(read_table(data), questions, list(survey.services.all()))
    made = Response.objects.bulk_create(
        [
            Response(
                survey=survey, service=r.service, source=ResponseSource.IMPORT, **r.particulars
            )
            for r in rows
        ],
        batch_size=1000,
    )
    Answer.objects.bulk_create(
        (
            Answer(response=response, question=q, value=row.answers[q.pk])
            for response, row in zip(made, rows, strict=True)
            for q in questions
        ),
        batch_size=2000,
    )
    record = ResponseImport(
        survey=survey,
        sha256=sha256,
        filename=(filename or "")[-255:],
        rows=len(rows),
        imported_by=user,
    )
    record.save()
    audit_record(
        actor=user,
        ip=ip,
        action=AUDIT_RESPONSE_IMPORT,
        obj=survey,
        summary=f"{len(rows)} respons diimpor dari {record.filename[:120]} (SHA-256 {sha256})",
    )
    return record
