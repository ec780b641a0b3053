from django.urls import path

from . import views

app_name = "evaluation"

urlpatterns = [
    path("<int:year>/", views.overview, name="overview"),
    path("<int:year>/tahap/", views.stage, name="stage"),
    path("<int:year>/soal/<int:soal_id>/putusan/", views.decide, name="decide"),
    path("<int:year>/putaran/<int:pk>/jawab/", views.reply, name="reply"),
    path("<int:year>/<str:code>/", views.area, name="area"),
]
