"""Reads of surveys: the unit's surveys and services, the responses that count, the ones
kept apart, and the results, aggregated in SQL (sums and counts per question and
service) and fed to ``scoring``: a fixed number of queries whatever the number of
responses.

A response counts unless the Ketua excluded it, and a flagged one only once the Ketua
admitted it."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, localcontext
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum

from zi_portal.accounts.permissions import Action

from . import scoring
from .choices import SurveyKind
from .models import (
    Answer,
    Question,
    Response,
    ResponseAdmission,
    ResponseExclusion,
    Service,
    Survey,
)

# The public results page shows a service's numbers from this many respondents on:
# with fewer, its means could give away what one person answered.
PUBLIC_MIN_RESPONDENTS = 5


def surveys_for(user: Any) -> QuerySet[Survey]:
    """The surveys ``user`` may see, newest first, with their respondent counts."""
    return (
        Survey.objects.restrict(user, Action.VIEW_SURVEYS)
        .select_related("unit")
        .annotate(
            respondents=Count("responses", filter=counted_q("responses__"), distinct=True),
            waiting=Count("responses", filter=_waiting_q("responses__"), distinct=True),
        )
        .order_by("-starts_on", "-pk")
    )


def services_of(unit: Any) -> QuerySet[Service]:
    return Service.objects.filter(unit=unit).order_by("code")


def _decided(prefix: str) -> tuple[Exists, Exists]:
    """Whether the response (``OuterRef(prefix + "pk")``) is excluded, and admitted.
    As EXISTS, not LEFT JOINs tested for NULL: PostgreSQL estimated those joins at one
    row and looped over every admission per response (154 ms for 10,000 responses,
    31 ms so)."""
    response = OuterRef(f"{prefix}pk")
    return (
        Exists(ResponseExclusion.objects.filter(response=response)),
        Exists(ResponseAdmission.objects.filter(response=response)),
    )


def counted_q(prefix: str = "") -> Q:
    """The responses that count (not excluded; not flagged, or admitted), reached from
    the queried model through ``prefix``."""
    excluded, admitted = _decided(prefix)
    return Q(~excluded) & (Q(**{f"{prefix}flag_reason": ""}) | Q(admitted))


def _waiting_q(prefix: str = "") -> Q:
    excluded, admitted = _decided(prefix)
    return Q(~excluded) & ~Q(**{f"{prefix}flag_reason": ""}) & Q(~admitted)


def counted_responses(survey: Survey) -> QuerySet[Response]:
    return Response.objects.filter(survey=survey).filter(counted_q())


def waiting_responses(survey: Survey) -> QuerySet[Response]:
    """Flagged responses the Ketua has not decided on (shown, never counted yet)."""
    return (
        Response.objects.filter(survey=survey)
        .filter(_waiting_q())
        .select_related("service")
        .order_by("submitted_at", "pk")
    )


def excluded_responses(survey: Survey) -> QuerySet[Response]:
    return (
        Response.objects.filter(survey=survey, exclusion__isnull=False)
        .select_related("service", "exclusion__decided_by")
        .order_by("exclusion__decided_at", "pk")
    )


def admitted_responses(survey: Survey) -> QuerySet[Response]:
    return (
        Response.objects.filter(survey=survey, admission__isnull=False, exclusion__isnull=True)
        .select_related("service", "admission__decided_by")
        .order_by("admission__decided_at", "pk")
    )


@dataclass
class Outcome:
    """The numbers of a set of respondents (the whole survey or one service)."""

    respondents: int
    nrr: list[tuple[Question, Decimal | None]]
    ikm: Decimal | None = None
    converted: Decimal | None = None
    grade: scoring.Grade | None = None
    mean: Decimal | None = None  # IPKP/IPAK/internal: the mean answer on 1–4

    @property
    def nrr_rounded(self) -> list[tuple[Question, Decimal | None]]:
        return [(q, scoring.rounded(v, Decimal("0.001")) if v is not None else None)
                for q, v in self.nrr]  # fmt: skip


@dataclass
class ServiceOutcome:
    service: Service
    target: int
    outcome: Outcome

    @property
    def progress(self) -> int:
        """Percent of the target sample reached (capped at 100)."""
        if not self.target:
            return 100
        return min(100, self.outcome.respondents * 100 // self.target)


@dataclass
class Results:
    survey: Survey
    questions: list[Question]
    total: Outcome
    services: list[ServiceOutcome] = field(default_factory=list)
    minimum: int = scoring.MIN_RESPONDENTS

    @property
    def progress(self) -> int:
        return min(100, self.total.respondents * 100 // self.minimum)

    @property
    def target_total(self) -> int:
        return sum(s.target for s in self.services)


def _ratio(total: int, n: int) -> Decimal | None:
    if not n:
        return None
    with localcontext() as context:
        context.prec = 28
        return Decimal(total) / Decimal(n)


def _outcome(
    survey: Survey, questions: list[Question], respondents: int, sums: dict[int, tuple[int, int]]
) -> Outcome:
    """``sums``: question id → (sum of values, number of answers)."""
    nrr = [(q, _ratio(*sums.get(q.pk, (0, 0)))) for q in questions]
    outcome = Outcome(respondents=respondents, nrr=nrr)
    if not respondents:
        return outcome
    values = [v for _q, v in nrr]
    complete = len(values) == scoring.SKM_UNSUR and all(v is not None for v in values)
    if survey.kind == SurveyKind.SKM and complete:
        outcome.ikm = scoring.ikm(values)
        outcome.converted = scoring.converted(outcome.ikm)
        outcome.grade = scoring.grade(outcome.converted)
    total = sum(s for s, _n in sums.values())
    count = sum(n for _s, n in sums.values())
    outcome.mean = _ratio(total, count)
    return outcome


def survey_results(survey: Survey) -> Results:
    """The survey's results, in total and per service (four queries)."""
    questions = list(survey.questions.all())
    services = list(survey.services.order_by("code"))
    counted = counted_responses(survey)
    per_service = dict(
        counted.order_by()
        .values_list("service_id")
        .annotate(n=Count("pk"))
        .values_list("service_id", "n")
    )
    rows = (
        Answer.objects.filter(response__in=counted)
        .order_by()
        .values("question_id", "response__service_id")
        .annotate(total=Sum("value"), n=Count("pk"))
    )
    by_service: dict[int, dict[int, tuple[int, int]]] = defaultdict(dict)
    overall: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for row in rows:
        by_service[row["response__service_id"]][row["question_id"]] = (row["total"], row["n"])
        overall[row["question_id"]][0] += row["total"]
        overall[row["question_id"]][1] += row["n"]
    total = _outcome(
        survey,
        questions,
        sum(per_service.values()),
        {q: (s, n) for q, (s, n) in overall.items()},
    )
    results = Results(survey=survey, questions=questions, total=total)
    for service in services:
        outcome = _outcome(
            survey, questions, per_service.get(service.pk, 0), by_service.get(service.pk, {})
        )
        results.services.append(
            ServiceOutcome(service, scoring.sample_size(service.population), outcome)
        )
    return results


def survey_by_token(token: str) -> Survey | None:
    """The survey a public URL names (any unit: the token is the key)."""
    return (
        Survey.objects.filter(token=token).select_related("unit").prefetch_related("services")
        .first()
    )  # fmt: skip
