from django.urls import path

from . import views

app_name = "workplan"

urlpatterns = [
    path("<int:year>/", views.plan_overview, name="overview"),
    path("<int:year>/unduh.<str:fmt>", views.plan_export, name="export"),
    path("<int:year>/kegiatan/<int:pk>/ubah/", views.activity_edit, name="activity_edit"),
    path("<int:year>/area/<str:code>/anggota/", views.pokja_member_add, name="member_add"),
    path(
        "<int:year>/area/<str:code>/anggota/<int:member_pk>/hapus/",
        views.pokja_member_remove,
        name="member_remove",
    ),
]
