"""A survey's data as XLSX: every response ("Respons": service, the respondent's
particulars, each answer, source, flag, exclusion and its reason) and the results per
unsur ("Hasil": NRR, IKM, converted value, grade, in total and per service), and the
import template ("Respons" with the header row a file needs, "Petunjuk" with the values
each column accepts). Written through the house's formula-safe helpers
(``zi_portal.core.exports``); the sheets are in Indonesian, the unit's own documents,
whatever the reader's language."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.utils import timezone, translation
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter

from zi_portal.core.exports import table_sheet, workbook_bytes

from . import scoring, selectors
from .choices import AgeBand, Education, FlagReason, Occupation, ResponseSource, Sex, SurveyKind
from .models import Answer, Response, Survey

DATETIME_FORMAT = "DD-MM-YYYY HH:MM"


class UnreadableWorkbook(Exception):
    """The bytes are not a workbook this module can read (or unpack too large)."""


def sheet_rows(data: bytes, *, limit: int, max_unpacked: int) -> list[list[Any]]:
    """The cell values of the first sheet of an XLSX, up to its ``limit``-th row that is
    not empty. Refuses a
    file that would unpack to more than ``max_unpacked`` bytes (a "zip bomb")."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > max_unpacked:
                raise UnreadableWorkbook("too large unpacked")
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise UnreadableWorkbook(str(exc)) from exc
    try:
        rows: list[list[Any]] = []
        filled = 0
        for row in book.worksheets[0].iter_rows(values_only=True):
            # Empty rows keep their place (problems name rows as the sheet numbers
            # them) but do not count towards ``limit``.
            if any(v is not None and v != "" for v in row):
                rows.append(list(row))
                filled += 1
                if filled >= limit:
                    break
            else:
                rows.append([])
        return rows
    except (KeyError, ValueError, IndexError) as exc:
        raise UnreadableWorkbook(str(exc)) from exc
    finally:
        book.close()


def _number(value: Decimal | None, places: str) -> float | None:
    """As the survey's page shows it (NRR and IKM to 3 decimals, converted to 2)."""
    if value is None:
        return None
    return float(scoring.rounded(value, Decimal(places)))


def _labels(vocab: Any) -> dict[str, str]:
    return {value: str(label) for value, label in vocab.choices}


def responses_workbook(survey: Survey) -> bytes:
    """Both sheets of ``survey`` (queries: a fixed handful, whatever the responses)."""
    with translation.override("id"):
        book = Workbook()
        _responses_sheet(book, survey)
        _results_sheet(book, survey)
        return workbook_bytes(book)


def _responses_sheet(book: Workbook, survey: Survey) -> None:
    questions = list(survey.questions.all())
    responses = list(
        Response.objects.filter(survey=survey)
        .select_related("service", "exclusion", "admission")
        .order_by("pk")
    )
    values: dict[tuple[int, int], int] = {
        (r, q): v
        for r, q, v in Answer.objects.filter(response__survey=survey)
        .order_by()
        .values_list("response_id", "question_id", "value")
    }
    labels = {
        "age_band": _labels(AgeBand),
        "sex": _labels(Sex),
        "education": _labels(Education),
        "occupation": _labels(Occupation),
    }
    flags, sources = _labels(FlagReason), _labels(ResponseSource)
    columns = [
        ("No. respons", 11),
        ("Dikirim", 17),
        ("Kode layanan", 14),
        ("Layanan", 30),
        ("Usia", 16),
        ("Jenis kelamin", 13),
        ("Pendidikan", 13),
        ("Pekerjaan", 15),
        *((q.code, 7) for q in questions),
        ("Sumber", 15),
        ("Ditandai", 30),
        ("Diterima Ketua", 10),
        ("Dikecualikan", 12),
        ("Alasan pengecualian", 40),
    ]
    rows = []
    for r in responses:
        exclusion = getattr(r, "exclusion", None)
        admission = getattr(r, "admission", None)
        rows.append(
            [
                r.pk,
                timezone.localtime(r.submitted_at).replace(tzinfo=None),
                r.service.code,
                r.service.name,
                *(labels[f].get(getattr(r, f), "") for f in labels),
                *(values.get((r.pk, q.pk)) for q in questions),
                sources.get(r.source, r.source),
                flags.get(r.flag_reason, r.flag_reason),
                ("Ya" if admission is not None else "Tidak") if r.flag_reason else "",
                "Ya" if exclusion is not None else "Tidak",
                exclusion.reason if exclusion is not None else "",
            ]
        )
    ws = table_sheet(book, "Respons", columns, rows, first=True)
    for row in range(2, len(rows) + 2):
        ws[f"B{row}"].number_format = DATETIME_FORMAT


def _results_sheet(book: Workbook, survey: Survey) -> None:
    results = selectors.survey_results(survey)
    outcomes = [("Semua layanan", results.total)] + [
        (s.service.name, s.outcome) for s in results.services
    ]
    columns = [("Kode", 8), ("Unsur", 40)] + [(name, 16) for name, _o in outcomes]
    rows: list[list[Any]] = [["", "Responden", *(o.respondents for _n, o in outcomes)]]
    for index, question in enumerate(results.questions):
        rows.append(
            [
                question.code,
                question.unsur,
                *(_number(o.nrr[index][1], "0.001") for _n, o in outcomes),
            ]
        )
    if survey.kind == SurveyKind.SKM:
        rows.append(
            ["", f"IKM (bobot {scoring.UNSUR_WEIGHT_TEXT} per unsur)",
             *(_number(o.ikm, "0.001") for _n, o in outcomes)]
        )  # fmt: skip
        rows.append(
            ["", "Nilai konversi (IKM × 25)", *(_number(o.converted, "0.01") for _n, o in outcomes)]
        )
        rows.append(
            ["", "Mutu pelayanan",
             *(f"{o.grade.letter} ({o.grade.label})" if o.grade else "" for _n, o in outcomes)]
        )  # fmt: skip
    else:
        rows.append(
            ["", "Nilai rata-rata (skala 1–4)", *(_number(o.mean, "0.01") for _n, o in outcomes)]
        )
    table_sheet(book, "Hasil", columns, rows)


def template_workbook(
    survey: Survey, headers: Sequence[str], demographics: Sequence[tuple[str, str, Any]]
) -> bytes:
    """The import template: the header row (``headers``) on the first sheet, the values
    each column accepts on the second (``demographics``: column, field, vocabulary)."""
    with translation.override("id"):
        book = Workbook()
        table_sheet(book, "Respons", [(h, 14) for h in headers], [], first=True)
        rows: list[list[Any]] = [
            [headers[0], "wajib", s.code, s.name] for s in survey.services.order_by("code")
        ]
        for q in survey.questions.all():
            rows.append([q.code, "wajib", "1, 2, 3 atau 4", f"{q.unsur}: {q.text}"])
        for name, _field, vocab in demographics:
            for value, label in vocab.choices:
                rows.append([name, "boleh kosong", value, str(label)])
        ws = table_sheet(
            book,
            "Petunjuk",
            [("Kolom", 16), ("Isian", 14), ("Nilai", 18), ("Arti (nilai atau artinya boleh)", 70)],
            rows,
        )
        ws.column_dimensions[get_column_letter(4)].width = 70
        return workbook_bytes(book)
