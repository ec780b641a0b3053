from django.urls import path

from . import views

urlpatterns = [
    path("", views.api_tokens, name="api_tokens"),
    path("buat/", views.api_token_create, name="api_token_create"),
    path("<int:pk>/cabut/", views.api_token_revoke, name="api_token_revoke"),
]
