"""The survey report as a PDF (WeasyPrint, A4, Indonesian): cover, method (the
regulation, the weight 1/9 per unsur, Krejcie–Morgan), respondents per service and
per demographic, the NRR per unsur, the IKM with its converted value and grade, the
trend across periods, the follow-ups and the responses left out with their reasons.

Built in the request: a survey's report is four or five pages, read in a fixed number
of queries. Measured on the shared two-core development machine (tests/surveys/
test_report.py): 0.7 s for a build once WeasyPrint is loaded (3 s with the machine
fully loaded); a process's first build adds WeasyPrint's import and fonts, 3–8 s.

The document has no external resources (CSS in the page, the chart inline SVG), so
WeasyPrint fetches nothing."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

from django.db.models import Count
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import capfirst, slugify

from . import choices, scoring
from .followups import PROPOSED, follow_up_cell, proposals
from .models import Response, Survey
from .selectors import counted_responses, excluded_responses, survey_results, waiting_responses
from .trend import period_label, survey_trend, trend_chart, value_caption

# One layout at a time per process (Pango's font map is not shared safely between threads).
_render_lock = threading.Lock()

DEMOGRAPHICS = (
    ("age_band", choices.AgeBand),
    ("sex", choices.Sex),
    ("education", choices.Education),
    ("occupation", choices.Occupation),
)


def demographics(survey: Survey) -> list[dict[str, Any]]:
    """Counted respondents per age band, sex, education and occupation, each with the
    ones who left it empty (one query)."""
    fields = [f for f, _c in DEMOGRAPHICS]
    combos = counted_responses(survey).order_by().values(*fields).annotate(n=Count("pk"))
    tallies: dict[str, Counter] = {f: Counter() for f in fields}
    total = 0
    for row in combos:
        total += row["n"]
        for f in fields:
            tallies[f][row[f]] += row["n"]
    out = []
    for f, vocabulary in DEMOGRAPHICS:
        rows = [(label, tallies[f][value]) for value, label in vocabulary.choices]
        rows.append((None, tallies[f][""]))  # None: the template says "not filled in"
        out.append(
            {
                "field": f,
                "label": capfirst(Response._meta.get_field(f).verbose_name),
                "rows": [(label, n, (n * 100 / total) if total else 0) for label, n in rows],
            }
        )
    return out


def report_context(survey: Survey) -> dict[str, Any]:
    """Everything the report shows, read once (shared by the PDF and its tests)."""
    results = survey_results(survey)
    trend = survey_trend(survey)
    # Per unsur: NRR, its share of the IKM (NRR × 1/9) and NRR × 25.
    weighted = [
        (q, v, v / scoring.SKM_UNSUR, scoring.converted(v)) if v is not None else (q, v, None, None)
        for q, v in results.total.nrr
    ]
    return {
        "survey": survey,
        "unit": survey.unit,
        "period": period_label(survey),
        "is_skm": survey.kind == choices.SurveyKind.SKM,
        "results": results,
        "weighted": weighted,
        "weight_text": scoring.UNSUR_WEIGHT_TEXT,
        "grades": scoring.GRADES,
        "minimum": scoring.MIN_RESPONDENTS,
        "demographics": demographics(survey),
        "trend": trend,
        "trend_chart": trend_chart(trend, survey.kind),
        "value_caption": value_caption(survey.kind),
        "proposals": proposals(survey, results),
        "proposed_count": PROPOSED,
        "follow_up_cell": follow_up_cell(survey),
        "excluded": list(excluded_responses(survey)),
        "waiting": waiting_responses(survey).count(),
        "generated_at": timezone.localtime(),
    }


def report_filename(survey: Survey) -> str:
    return f"laporan-survei-{survey.kind}-{slugify(period_label(survey))}-{survey.pk}.pdf"


def survey_pdf(survey: Survey) -> bytes:
    """The report of ``survey`` as PDF bytes, in Indonesian whatever the reader's
    language (the report is a document of the unit, like the monev reports)."""
    # Imported here, not at the top: WeasyPrint takes a second or two to import, and
    # the pages that never build a PDF must not pay it.
    from weasyprint import HTML

    survey = Survey.objects.select_related("unit").get(pk=survey.pk)
    with translation.override("id"):
        html = render_to_string("surveys/pdf/report.html", report_context(survey))
        with _render_lock:
            return HTML(string=html, base_url=".").write_pdf()
