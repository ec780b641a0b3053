from django.urls import path

from . import views, views_pmpzi, views_recap

app_name = "ministry"

urlpatterns = [
    path("unit/", views.units, name="units"),
    path("unit/<int:pk>/tahun/", views.year_start, name="year_start"),
    path("unit/<int:pk>/asesor/", views.assessors, name="assessors"),
    path("unit/<int:pk>/pmpzi/<int:year>/", views_pmpzi.readiness, name="pmpzi"),
    path("unit/<int:pk>/pmpzi/<int:year>/batas/", views_pmpzi.deadline_set, name="pmpzi_deadline"),
    path("unit/<int:pk>/pmpzi/<int:year>/usul/", views_pmpzi.propose, name="pmpzi_propose"),
    path("rekap/<int:year>/", views_recap.recap_page, name="recap"),
    path("rekap/<int:year>/xlsx/", views_recap.recap_xlsx, name="recap_xlsx"),
    path("rekap/<int:year>/pdf/", views_recap.recap_pdf_request, name="recap_pdf"),
    path("rekap/<int:year>/unduhan/", views_recap.recap_exports, name="recap_exports"),
    path("rekap/unduhan/<int:pk>/", views_recap.recap_export_download, name="recap_download"),
]
