from django.urls import path

from . import views, views_plan, views_review

app_name = "evidence"

urlpatterns = [
    path("rencana/<int:year>/matriks/", views_plan.plan_matrix, name="matrix"),
    path("rencana/<int:year>/area/<str:code>/", views_plan.area_detail, name="area"),
    path("butir/<int:pk>/", views.requirement_detail, name="item"),
    path("butir/<int:pk>/unggah/", views.upload, name="upload"),
    path("versi/<int:pk>/tarik/", views.withdraw, name="withdraw"),
    path("versi/<int:pk>/reviu/", views.review, name="review"),
    path("versi/<int:pk>/unduh/", views.download, name="download"),
    path("reviu/", views.review_queue, name="queue"),
    path("reviu/setujui/", views_review.approve_selected, name="approve-selected"),
    path("versi/<int:pk>/pratinjau/", views_review.preview, name="preview"),
    path("versi/<int:pk>/balas/", views_review.reply, name="reply"),
    path("audit/", views.audit_trail, name="audit"),
]
