"""Surveys in the API (``/api/v1/surveys/``), included by zi_portal/urls.py."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path

from . import api

# DRF authenticates these itself (session or token) and answers 401/403 as JSON, so
# the site-wide LoginRequiredMiddleware must not redirect them to the sign-in page.
urlpatterns = [
    path("surveys/", login_not_required(api.SurveyListView.as_view()), name="api-surveys"),
    path(
        "surveys/<int:pk>/results/",
        login_not_required(api.SurveyResultsView.as_view()),
        name="api-survey-results",
    ),
]
