from django.urls import path

from . import views, views_reports

app_name = "monev"

urlpatterns = [
    path("notifikasi/", views.notification_list, name="notifications"),
    path("notifikasi/<int:pk>/baca/", views.notification_read, name="notification_read"),
    path("notifikasi/baca-semua/", views.notification_read_all, name="notification_read_all"),
    path("notifikasi/pengaturan/", views.preferences, name="preferences"),
    path("tugas/", views.my_tasks, name="tasks"),
    path("dasbor/", views.dashboard, name="dashboard"),
    path("rencana/<int:year>/kegiatan/", views.activity_plan, name="activities"),
    path("laporan/", views_reports.report_list, name="reports"),
    path("laporan/minta/", views_reports.report_request, name="report_request"),
    path("laporan/lhe/<int:year>/", views_reports.lhe_request, name="lhe_request"),
    path("laporan/monev.xlsx", views_reports.monev_xlsx, name="monev_xlsx"),
    path("laporan/<int:pk>/unduh/", views_reports.report_download, name="report_download"),
    path("status/", views_reports.system_status, name="status"),
    path("pesan/<int:pk>/kirim-ulang/", views_reports.message_resend, name="message_resend"),
    path("rencana/<int:year>/area/<str:code>/narasi/", views.narrative_edit, name="narrative"),
    path(
        "rencana/<int:year>/kegiatan/<int:pk>/realisasi/",
        views.realisation_edit,
        name="realisation",
    ),
]
