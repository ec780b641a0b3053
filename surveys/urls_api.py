"""Surveys in the API (``/api/v1/surveys/``), included by zi_portal/urls.py."""

urlpatterns: list = []
