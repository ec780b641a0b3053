from django.urls import path

from . import views, views_recap

app_name = "ministry"

urlpatterns = [
    path("unit/", views.units, name="units"),
    path("unit/<int:pk>/tahun/", views.year_start, name="year_start"),
    path("rekap/<int:year>/", views_recap.recap_page, name="recap"),
    path("rekap/<int:year>/xlsx/", views_recap.recap_xlsx, name="recap_xlsx"),
]
