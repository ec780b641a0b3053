"""Surveys: the routes of the survey page's report panel (included by surveys/urls.py)."""

urlpatterns: list = []
