from django.contrib.auth.decorators import login_not_required
from django.urls import path

from . import views_recap

# DRF answers 401 as JSON itself (no sign-in redirect).
urlpatterns = [
    path(
        "v1/plans/<int:year>/recap/",
        login_not_required(views_recap.RecapView.as_view()),
        name="api-recap",
    ),
]
