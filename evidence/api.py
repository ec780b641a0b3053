"""Evidence API (Django REST Framework). Same rules as the pages: the access helpers
and services decide; these views only translate HTTP to calls and back."""

from __future__ import annotations

from allauth.account.adapter import get_adapter
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from workplan.permissions import access_plan
from workplan.stamps import stamp_key
from zi_portal.accounts.mfa import has_second_step, mfa_required
from zi_portal.accounts.permissions import Action
from zi_portal.accounts.services import api_token_for
from zi_portal.core.api import error_response
from zi_portal.core.audit import client_ip
from zi_portal.core.fragments import digest
from zi_portal.core.parsing import whole_number
from zi_portal.core.throttling import ClientScopedRateThrottle

from . import selectors, services
from .downloads import version_file_response
from .permissions import access_requirement, access_version
from .serializers import (
    EvidenceInputSerializer,
    RequirementDetailSerializer,
    RequirementSerializer,
    ReviewInputSerializer,
    ReviewSerializer,
    TokenInputSerializer,
    VersionSerializer,
    WithdrawInputSerializer,
)
from .uploads import oversize_files
from .validation import EvidenceRefused, too_large

# Entries are never stale (a change of the plan's data makes a new key).
API_LIST_TIMEOUT = 24 * 3600


class TokenView(APIView):
    """Exchange e-mail and password for an API token. Two limits, both shared with the
    sign-in form and counted in the shared cache: calls per client address
    (``ZI_TOKEN_RATE``), and allauth's failed-sign-in lockout (``login_failed``: per
    address and per e-mail), so an account locked on the form gets no token here either.
    """

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [ClientScopedRateThrottle]
    throttle_scope = "token"

    @extend_schema(request=TokenInputSerializer, responses={200: dict})
    def post(self, request):
        data = TokenInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            # allauth's own check: consumes the login_failed limit, refuses when it is
            # spent, gives the attempt back when the password is right.
            user = get_adapter(request).authenticate(
                request,
                email=data.validated_data["email"].lower(),
                password=data.validated_data["password"],
            )
        except ValidationError:
            return error_response(
                "too_many_attempts",
                _(
                    "Terlalu banyak percobaan masuk yang gagal untuk akun atau alamat ini. "
                    "Coba lagi beberapa menit lagi."
                ),
                status.HTTP_429_TOO_MANY_REQUESTS,
            )
        if user is None or not user.is_active:
            return error_response(
                "invalid_credentials",
                _("E-mail atau kata sandi salah."),
                status.HTTP_400_BAD_REQUEST,
            )
        if mfa_required(user) or has_second_step(user):
            # A password alone must not give a token to an account that signs in with
            # two steps: such a person makes tokens on /akun/token/ once signed in.
            return error_response(
                "mfa_required",
                _(
                    "Akun ini masuk dengan autentikasi dua langkah: buat token API di "
                    "halaman Token API (/akun/token/) setelah masuk ke portal."
                ),
                status.HTTP_403_FORBIDDEN,
            )
        return Response({"token": api_token_for(user=user)})


class RequirementListView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("area", str, description="MP, TL, SDM, AK, PW or PP"),
            OpenApiParameter("quarter", int, description="1-4"),
            OpenApiParameter("status", str, description="missing, pending, revise, approved"),
        ],
        responses=RequirementSerializer(many=True),
    )
    def get(self, request, year: int):
        plan = access_plan(request.user, year)
        area = (request.query_params.get("area") or "").upper()
        quarter = request.query_params.get("quarter") or ""
        if quarter and whole_number(quarter) not in (1, 2, 3, 4):
            return error_response(
                "invalid",
                _("Parameter quarter harus 1, 2, 3 atau 4."),
                status.HTTP_400_BAD_REQUEST,
            )
        wanted = request.query_params.get("status") or ""
        # The same list for everyone who sees the same cells, until the plan's data
        # changes (workplan.stamps): read from the cache when it has not.
        # The filters as sent are part of the key only through the digest.
        asked = (sorted(selectors.visible_cells(plan, request.user)), area, quarter, wanted)
        key = stamp_key("api-requirements", plan, digest(asked))
        data = cache.get(key)
        if data is None:
            requirements = selectors.requirements_for_plan(plan).restrict(
                request.user, Action.VIEW_EVIDENCE
            )
            if area:
                requirements = requirements.filter(cell__area__code=area)
            if quarter:
                requirements = requirements.filter(cell__quarter__number=int(quarter))
            items = selectors.with_status(requirements)
            if wanted:
                items = [i for i in items if i.status == wanted]
            data = list(RequirementSerializer(items, many=True).data)
            cache.set(key, data, API_LIST_TIMEOUT)
        return Response(data)


class RequirementDetailView(APIView):
    @extend_schema(responses=RequirementDetailSerializer)
    def get(self, request, pk: int):
        requirement = access_requirement(request.user, pk)
        item = selectors.item_with_status(requirement)
        item.history = selectors.item_history(requirement)
        return Response(RequirementDetailSerializer(item).data)


class EvidenceCreateView(APIView):
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(request=EvidenceInputSerializer, responses={201: VersionSerializer})
    def post(self, request, pk: int):
        requirement = access_requirement(request.user, pk, Action.UPLOAD_EVIDENCE)
        data = EvidenceInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        too_big = oversize_files(request)
        if too_big:
            raise too_large(too_big[0], None)
        values = data.validated_data
        replaces = None
        if values.get("replaces"):
            replaces = access_version(request.user, values["replaces"], Action.UPLOAD_EVIDENCE)
        common = {
            "requirement": requirement,
            "user": request.user,
            "note": values["note"],
            "evidence_date": values["evidence_date"],
            "replaces": replaces,
            "ip": client_ip(request),
        }
        if values.get("file") is not None:
            version = services.evidence_upload_file(upload=values["file"], **common)
        elif values.get("url"):
            version = services.evidence_register_link(url=values["url"], **common)
        else:
            raise EvidenceRefused(
                code="missing_file",
                message=_("Lampirkan berkas (field “file”) atau tautan http(s) (field “url”)."),
            )
        body = VersionSerializer(version).data
        body["status"] = selectors.item_status_of(requirement)
        body["version_status"] = version.review_state
        return Response(body, status=status.HTTP_201_CREATED)


class ReviewView(APIView):
    @extend_schema(request=ReviewInputSerializer, responses={201: ReviewSerializer})
    def post(self, request, pk: int):
        version = access_version(request.user, pk, Action.REVIEW_EVIDENCE)
        data = ReviewInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        review = services.evidence_review(
            version=version,
            user=request.user,
            decision=data.validated_data["decision"],
            comment=data.validated_data["comment"],
            ip=client_ip(request),
        )
        return Response(ReviewSerializer(review).data, status=status.HTTP_201_CREATED)


class WithdrawView(APIView):
    @extend_schema(request=WithdrawInputSerializer, responses=VersionSerializer)
    def post(self, request, pk: int):
        version = access_version(request.user, pk, Action.WITHDRAW_EVIDENCE)
        data = WithdrawInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        version = services.evidence_withdraw(
            version=version,
            user=request.user,
            reason=data.validated_data["reason"],
            ip=client_ip(request),
        )
        return Response(VersionSerializer(version).data)


class FileView(APIView):
    @extend_schema(responses={(200, "application/octet-stream"): bytes})
    def get(self, request, pk: int):
        return version_file_response(access_version(request.user, pk))
