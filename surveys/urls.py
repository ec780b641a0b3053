"""Surveys: the signed-in pages and the public form and results; included at the root.
The public routes take the survey's token (letters, digits, - and _, never only digits,
so ``survei/<int:pk>/`` and ``survei/<token>/`` never meet)."""

from django.urls import path, re_path

from . import urls_data, urls_lke, urls_report, views, views_public

app_name = "surveys"

TOKEN = r"(?P<token>[A-Za-z0-9_-]{16,40})"  # noqa: S105 - a URL pattern

urlpatterns = [
    path("survei/", views.survey_list, name="list"),
    path("survei/baru/", views.survey_create, name="create"),
    path("survei/layanan/", views.service_list, name="services"),
    path("survei/layanan/<int:pk>/", views.service_list, name="service_edit"),
    path("survei/<int:pk>/", views.survey_detail, name="detail"),
    path("survei/<int:pk>/pertanyaan/", views.question_edit, name="questions"),
    path("survei/<int:pk>/poster/", views.poster, name="poster"),
    re_path(rf"^survei/{TOKEN}/$", views_public.public_form, name="public_form"),
    re_path(rf"^survei/{TOKEN}/hasil/$", views_public.public_results, name="public_results"),
    *urls_data.urlpatterns,
    *urls_report.urlpatterns,
    *urls_lke.urlpatterns,
]
