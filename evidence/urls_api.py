from django.contrib.auth.decorators import login_not_required
from django.urls import path

from . import api

# DRF authenticates these itself (session or token) and answers 401/403 as JSON, so
# the site-wide LoginRequiredMiddleware must not redirect them to the sign-in page.
urlpatterns = [
    path("auth/token/", login_not_required(api.TokenView.as_view()), name="api-token"),
    path(
        "plans/<int:year>/requirements/",
        login_not_required(api.RequirementListView.as_view()),
        name="api-requirements",
    ),
    path(
        "requirements/<int:pk>/",
        login_not_required(api.RequirementDetailView.as_view()),
        name="api-requirement",
    ),
    path(
        "requirements/<int:pk>/evidence/",
        login_not_required(api.EvidenceCreateView.as_view()),
        name="api-evidence-create",
    ),
    path(
        "evidence/<int:pk>/review/",
        login_not_required(api.ReviewView.as_view()),
        name="api-evidence-review",
    ),
    path(
        "evidence/<int:pk>/withdraw/",
        login_not_required(api.WithdrawView.as_view()),
        name="api-evidence-withdraw",
    ),
    path(
        "evidence/<int:pk>/file/",
        login_not_required(api.FileView.as_view()),
        name="api-evidence-file",
    ),
]
