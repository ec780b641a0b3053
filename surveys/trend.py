"""The trend of a unit's surveys of one kind across periods: per period the IKM (SKM:
its converted value, the one that is graded) or the mean answer on 1–4 (IPKP, IPAK,
internal), in order, and the SVG chart the survey page and the PDF report both show.

Read in a fixed number of queries whatever the number of periods or responses (sums and
counts per survey and question, aggregated in SQL, then ``scoring``).

The chart is drawn here, not with ``monev.charts``: monev sits above surveys in the
layers (pyproject's import-linter contract), so surveys may not import it. It keeps
monev's look (font, colours, accessible ``<svg role="img">`` with a title)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal, localcontext
from html import escape

from django.db.models import Count, Sum
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from workplan.choices import QUARTER_LABELS

from . import scoring
from .choices import SurveyKind, SurveyStatus
from .models import Answer, Survey
from .selectors import counted_q

# Periods shown: the survey itself and the ones before it, at most this many.
TREND_PERIODS = 8

FONT = "DejaVu Sans, Arial, sans-serif"
BLUE = "#1f4e79"
LIGHT = "#8fb0cf"
INK = "#1d2733"
MUTED = "#5b6774"


@dataclass(frozen=True)
class TrendPoint:
    survey: Survey
    label: str
    respondents: int
    value: Decimal | None  # SKM: converted value 0–100; otherwise the mean on 1–4
    ikm: Decimal | None = None
    grade: scoring.Grade | None = None
    current: bool = False


def period_label(survey: Survey) -> str:
    """ "TW IV 2026" for a survey of a plan quarter, else the month it started."""
    if survey.quarter:
        return f"{QUARTER_LABELS[survey.quarter]} {survey.starts_on.year}"
    return date_format(survey.starts_on, "YEAR_MONTH_FORMAT")


def _ratio(total: int, n: int) -> Decimal | None:
    if not n:
        return None
    with localcontext() as context:
        context.prec = 28
        return Decimal(total) / Decimal(n)


def survey_trend(survey: Survey, limit: int = TREND_PERIODS) -> list[TrendPoint]:
    """The unit's surveys of ``survey``'s kind up to and including it (drafts left out),
    oldest first, with their value (two queries). Every counted response answers every
    question, so the questions a survey's answers name are all of its questions."""
    counted = counted_q("responses__")
    earlier = (
        Survey.objects.filter(unit_id=survey.unit_id, kind=survey.kind)
        .exclude(status=SurveyStatus.DRAFT)
        .filter(starts_on__lte=survey.starts_on)
        .annotate(counted=Count("responses", filter=counted, distinct=True))
        .order_by("-starts_on", "-pk")
    )
    surveys = list(earlier[:limit])
    if survey.pk not in {s.pk for s in surveys}:  # a draft's report still shows itself
        surveys = [survey, *surveys[: limit - 1]]
    surveys.sort(key=lambda s: (s.starts_on, s.pk))
    ids = [s.pk for s in surveys]
    sums: dict[int, dict[int, tuple[int, int]]] = defaultdict(dict)
    rows = (
        Answer.objects.filter(response__survey_id__in=ids)
        .filter(counted_q("response__"))
        .order_by()
        .values("response__survey_id", "question_id")
        .annotate(total=Sum("value"), n=Count("pk"))
    )
    for row in rows:
        sums[row["response__survey_id"]][row["question_id"]] = (row["total"], row["n"])
    return [_point(s, getattr(s, "counted", 0), sums[s.pk], s.pk == survey.pk) for s in surveys]


def _point(
    survey: Survey,
    respondents: int,
    sums: dict[int, tuple[int, int]],
    current: bool,
) -> TrendPoint:
    label = period_label(survey)
    if not respondents:
        return TrendPoint(survey, label, 0, None, current=current)
    if survey.kind == SurveyKind.SKM:
        nrrs = [_ratio(*pair) for pair in sums.values()]
        if len(nrrs) != scoring.SKM_UNSUR or any(v is None for v in nrrs):
            return TrendPoint(survey, label, respondents, None, current=current)
        ikm = scoring.ikm(nrrs)
        value = scoring.converted(ikm)
        return TrendPoint(survey, label, respondents, value, ikm, scoring.grade(value), current)
    total = sum(s for s, _n in sums.values())
    count = sum(n for _s, n in sums.values())
    mean = _ratio(total, count)
    value = scoring.rounded(mean) if mean is not None else None
    return TrendPoint(survey, label, respondents, value, current=current)


def value_caption(kind: str) -> str:
    if kind == SurveyKind.SKM:
        return _("Nilai IKM (konversi, 0–100)")
    return _("Nilai rata-rata (skala 1–4)")


def trend_chart(points: list[TrendPoint], kind: str, *, width: int = 560, height: int = 220) -> str:
    """Columns per period with the value above each; the survey itself in dark blue.
    SKM on 0–100 with the grade floors (A, B, C) drawn as dashed lines; the others on
    0–4. A period without a value shows a dash."""
    skm = kind == SurveyKind.SKM
    top_value = 100.0 if skm else 4.0
    # The right margin holds the grade floors' labels, clear of the columns.
    left, right, top, bottom = 34, 62 if skm else 4, 22, 30
    plot_w, plot_h = width - left - right, height - top - bottom
    n = max(1, len(points))
    slot = plot_w / n
    col_w = min(56.0, slot * 0.6)
    title = _("Tren %(what)s per periode") % {"what": value_caption(kind)}
    parts = [
        f'<svg class="chart-columns survey-trend" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" font-family="{FONT}" font-size="12">',
        f"<title>{escape(title)}</title>",
    ]

    def y_of(value: float) -> float:
        return top + plot_h - max(0.0, min(1.0, value / top_value)) * plot_h

    ticks = [(0, "0"), (50, "50"), (100, "100")] if skm else [(0, "0"), (2, "2"), (4, "4")]
    for value, text in ticks:
        y = y_of(value)
        parts.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="{MUTED}">{text}</text>'
        )
    if skm:
        for band in scoring.GRADES[:-1]:
            y = y_of(float(band.low))
            parts.append(
                f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" '
                f'stroke="{MUTED}" stroke-dasharray="3 3" stroke-width="0.6"/>'
                f'<text x="{width - 2}" y="{y + 3:.1f}" text-anchor="end" fill="{MUTED}" '
                f'font-size="9">{band.letter} ≥ {number_format(band.low, 2)}</text>'
            )
    base = top + plot_h
    parts.append(
        f'<line x1="{left}" y1="{base}" x2="{left + plot_w}" y2="{base}" stroke="{MUTED}"/>'
    )
    for i, point in enumerate(points):
        x = left + i * slot + (slot - col_w) / 2
        centre = x + col_w / 2
        if point.value is None:
            parts.append(
                f'<text x="{centre:.1f}" y="{base - 5}" text-anchor="middle" '
                f'fill="{MUTED}">—</text>'
            )
        else:
            y = y_of(float(point.value))
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{col_w:.1f}" height="{base - y:.1f}" '
                f'fill="{BLUE if point.current else LIGHT}"/>'
                f'<text x="{centre:.1f}" y="{y - 5:.1f}" text-anchor="middle" fill="{INK}" '
                f'font-weight="bold">{number_format(point.value, 2)}</text>'
            )
        parts.append(
            f'<text x="{centre:.1f}" y="{height - 10}" text-anchor="middle" '
            f'fill="{INK if point.current else MUTED}">{escape(point.label)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
