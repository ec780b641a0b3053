"""``GET /api/v1/plans/{year}/lke/score/?by=unit|tpi``: the LKE figures as JSON."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from workplan.permissions import access_plan
from zi_portal.accounts.permissions import Action
from zi_portal.core.api import error_response

from . import scoring, selectors
from .models import Side


class ScoreView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("by", str, enum=["unit", "tpi"], description="whose answers"),
        ],
        responses={200: dict},
    )
    def get(self, request, year: int):
        by = request.query_params.get("by", Side.UNIT)
        if by not in Side.values:
            return error_response(
                "invalid_parameter",
                _("Parameter by harus “unit” atau “tpi”."),
                status.HTTP_400_BAD_REQUEST,
            )
        plan = access_plan(request.user, year, Action.VIEW_LKE)
        master = selectors.master_or_404(year)
        result = selectors.unit_score(unit=plan.unit, master=master, side=by)
        body = scoring.as_dict(result)
        body.update({"unit": plan.unit.code, "oleh": by})
        return Response(body)
