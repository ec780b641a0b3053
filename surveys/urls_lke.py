"""Surveys: the routes of the survey page's lke panel (included by surveys/urls.py)."""

from django.urls import path

from . import views_lke

urlpatterns = [
    path("survei/<int:pk>/lke/", views_lke.take, name="lke_take"),
]
