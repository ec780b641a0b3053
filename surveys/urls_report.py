"""Surveys: the routes of the survey page's report panel (included by surveys/urls.py)."""

from django.urls import path

from . import views_report

urlpatterns = [
    path("survei/<int:pk>/laporan.pdf", views_report.report_pdf, name="report_pdf"),
    path("survei/<int:pk>/tindak-lanjut/", views_report.follow_up, name="follow_up"),
    path("survei/<int:pk>/lampirkan/", views_report.attach, name="attach_report"),
]
