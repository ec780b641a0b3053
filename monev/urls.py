from django.urls import path

from . import views

app_name = "monev"

urlpatterns = [
    path("notifikasi/", views.notification_list, name="notifications"),
    path("notifikasi/<int:pk>/baca/", views.notification_read, name="notification_read"),
    path("notifikasi/baca-semua/", views.notification_read_all, name="notification_read_all"),
    path("notifikasi/pengaturan/", views.preferences, name="preferences"),
    path("pesan/<int:pk>/kirim-ulang/", views.message_resend, name="message_resend"),
    path("dasbor/", views.dashboard, name="dashboard"),
    path("laporan/", views.report_list, name="reports"),
    path("laporan/minta/", views.report_request, name="report_request"),
    path("laporan/monev.xlsx", views.monev_xlsx, name="monev_xlsx"),
    path("laporan/<int:pk>/unduh/", views.report_download, name="report_download"),
    path(
        "rencana/<int:year>/kegiatan/<int:pk>/realisasi/",
        views.realisation_edit,
        name="realisation",
    ),
]
