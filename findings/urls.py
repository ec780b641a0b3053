"""Findings (*temuan*); included at the site root."""

from django.urls import path

from . import views

app_name = "findings"

urlpatterns = [
    path("temuan/", views.finding_list, name="list"),
    path("temuan/baru/", views.finding_create, name="create"),
    path("temuan/<int:pk>/", views.finding_detail, name="detail"),
]
