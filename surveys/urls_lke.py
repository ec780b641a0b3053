"""Surveys: the routes of the survey page's lke panel (included by surveys/urls.py)."""

urlpatterns: list = []
