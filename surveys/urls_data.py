"""Surveys: the routes of the survey page's data panel (included by surveys/urls.py)."""

from django.urls import path

from . import views_data

urlpatterns = [
    path("survei/<int:pk>/impor/", views_data.import_responses, name="import"),
    path(
        "survei/<int:pk>/impor/templat.csv",
        views_data.import_template_csv,
        name="import_template_csv",
    ),
    path(
        "survei/<int:pk>/impor/templat.xlsx",
        views_data.import_template_xlsx,
        name="import_template_xlsx",
    ),
    path("survei/<int:pk>/respons.xlsx", views_data.responses_xlsx, name="responses_xlsx"),
]
