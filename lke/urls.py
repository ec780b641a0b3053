from django.urls import path

from . import views, views_portalrb

app_name = "lke"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:year>/", views.summary, name="summary"),
    path("<int:year>/area/<str:code>/", views.area, name="area"),
    path("<int:year>/soal/<int:soal_id>/", views.answer, name="answer"),
    path("<int:year>/soal/<int:soal_id>/riwayat/", views.history, name="history"),
    path("<int:year>/unduh.<str:fmt>", views.export, name="export"),
    path("<int:year>/impor/", views.import_answers, name="import"),
    path("portalrb/", views_portalrb.portalrb, name="portalrb"),
    path("portalrb/token/", views_portalrb.token_issue, name="token_issue"),
    path("portalrb/token/<int:pk>/cabut/", views_portalrb.token_revoke, name="token_revoke"),
    path("portalrb/usulan/", views_portalrb.proposal_save, name="proposal_save"),
    path("portalrb/usulan/<int:pk>/hapus/", views_portalrb.proposal_delete, name="proposal_delete"),
    path("portalrb/predikat/", views_portalrb.predicate_save, name="predicate_save"),
]
