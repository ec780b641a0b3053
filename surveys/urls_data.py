"""Surveys: the routes of the survey page's data panel (included by surveys/urls.py)."""

urlpatterns: list = []
