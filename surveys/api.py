"""Surveys in the API (Django REST Framework): the surveys the caller may see, and one
survey's results. Same rules as the pages: ``selectors.surveys_for`` (``restrict``) for
the list, ``access_survey`` for one survey (another unit's is 404, a role without
surveys 403); the numbers are ``selectors.survey_results``, rounded as the survey's page
shows them (NRR and IKM to 3 decimals, the converted value and the mean to 2)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from zi_portal.accounts.permissions import Action, require

from . import scoring, selectors
from .choices import SurveyKind
from .permissions import access_survey

NRR_PLACES, IKM_PLACES, VALUE_PLACES = Decimal("0.001"), Decimal("0.001"), Decimal("0.01")


class SurveyPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class UnitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class PeriodSerializer(serializers.Serializer):
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    quarter = serializers.IntegerField(allow_null=True, help_text="The plan's quarter, 1-4.")


class SurveySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    unit = UnitSerializer()
    kind = serializers.CharField(help_text="skm, ipkp, ipak or internal")
    period = serializers.SerializerMethodField()
    status = serializers.SerializerMethodField(
        help_text="draft, scheduled, open or closed (closed also once the end date passed)"
    )
    respondents = serializers.IntegerField(help_text="Responses that count in the results.")

    @extend_schema_field(PeriodSerializer)
    def get_period(self, survey) -> dict[str, Any]:
        return {
            "starts_on": survey.starts_on.isoformat(),
            "ends_on": survey.ends_on.isoformat(),
            "quarter": survey.quarter,
        }

    def get_status(self, survey) -> str:
        return survey.phase(self.context.get("today"))


class GradeSerializer(serializers.Serializer):
    letter = serializers.CharField()
    label = serializers.CharField()


class UnsurSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    nrr = serializers.FloatField(allow_null=True)


class OutcomeSerializer(serializers.Serializer):
    respondents = serializers.IntegerField()
    unsur = UnsurSerializer(many=True)
    ikm = serializers.FloatField(allow_null=True, help_text="SKM: the mean of the nine NRR.")
    converted = serializers.FloatField(allow_null=True, help_text="SKM: IKM × 25.")
    grade = GradeSerializer(allow_null=True)
    mean = serializers.FloatField(allow_null=True, help_text="IPKP/IPAK/internal: mean 1-4.")


class ServiceOutcomeSerializer(OutcomeSerializer):
    code = serializers.CharField()
    name = serializers.CharField()
    target = serializers.IntegerField(help_text="Krejcie-Morgan sample for its population.")


class ResultsSerializer(OutcomeSerializer):
    survey = serializers.IntegerField()
    kind = serializers.CharField()
    minimum = serializers.IntegerField(help_text="The regulation's minimum respondents.")
    services = ServiceOutcomeSerializer(many=True)


def _rounded(value: Decimal | None, places: Decimal) -> float | None:
    return None if value is None else float(scoring.rounded(value, places))


def outcome_data(kind: str, outcome: selectors.Outcome) -> dict[str, Any]:
    """One set of respondents' numbers (the survey's, or one service's)."""
    skm = kind == SurveyKind.SKM
    return {
        "respondents": outcome.respondents,
        "unsur": [
            {"code": q.code, "name": q.unsur, "nrr": _rounded(v, NRR_PLACES)}
            for q, v in outcome.nrr
        ],
        "ikm": _rounded(outcome.ikm, IKM_PLACES),
        "converted": _rounded(outcome.converted, VALUE_PLACES),
        "grade": (
            {"letter": outcome.grade.letter, "label": outcome.grade.label}
            if outcome.grade
            else None
        ),
        "mean": None if skm else _rounded(outcome.mean, VALUE_PLACES),
    }


def results_data(results: selectors.Results) -> dict[str, Any]:
    survey = results.survey
    data = {"survey": survey.pk, "kind": survey.kind, "minimum": results.minimum}
    data.update(outcome_data(survey.kind, results.total))
    data["services"] = [
        {
            "code": s.service.code,
            "name": s.service.name,
            "target": s.target,
            **outcome_data(survey.kind, s.outcome),
        }
        for s in results.services
    ]
    return data


class SurveyListView(generics.ListAPIView):
    """The surveys the caller may see (``restrict``), newest first, paginated."""

    serializer_class = SurveySerializer
    pagination_class = SurveyPagination

    def get_queryset(self):
        require(self.request.user, Action.VIEW_SURVEYS)
        return selectors.surveys_for(self.request.user)

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "today": timezone.localdate()}


class SurveyResultsView(APIView):
    @extend_schema(responses=ResultsSerializer)
    def get(self, request, pk: int):
        survey = access_survey(request.user, pk)
        return Response(results_data(selectors.survey_results(survey)))
