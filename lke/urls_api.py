from django.contrib.auth.decorators import login_not_required
from django.urls import path, re_path

from . import api, portalrb

# DRF and the PortalRB views answer 401 as JSON themselves (no sign-in redirect).
urlpatterns = [
    path(
        "v1/plans/<int:year>/lke/score/",
        login_not_required(api.ScoreView.as_view()),
        name="api-lke-score",
    ),
    # The guide writes the paths without a trailing slash; both forms are served.
    re_path(r"^portalrb/pengusulan/unit-wbk/?$", portalrb.unit_wbk, name="portalrb-unit-wbk"),
    re_path(r"^portalrb/pengusulan/unit-wbbm/?$", portalrb.unit_wbbm, name="portalrb-unit-wbbm"),
    re_path(
        r"^portalrb/lke/jawaban-unit/(?P<unit_id>[^/]+)/?$",
        portalrb.jawaban_unit,
        name="portalrb-jawaban-unit",
    ),
]
