"""Findings (*temuan*) and area narratives; included at the site root."""

from django.urls import path

from . import views_findings as views

app_name = "findings"

urlpatterns = [
    path("temuan/", views.finding_list, name="list"),
    path("temuan/baru/", views.finding_create, name="create"),
    path("temuan/<int:pk>/", views.finding_detail, name="detail"),
    path(
        "rencana/<int:year>/area/<str:code>/narasi/",
        views.narrative_edit,
        name="narrative",
    ),
]
