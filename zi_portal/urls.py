from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from workplan import views as workplan_views
from zi_portal.accounts import views as accounts_views
from zi_portal.core import views as core_views

admin.site.site_header = "ZI Portal"
admin.site.site_title = "ZI Portal"
admin.site.index_title = "Administrasi"
# The admin has no sign-in form of its own: /admin/login/ sends to the portal's sign-in
# (allauth), so it has the same lockout, limits and second factor as every other sign-in.
admin.site.login = login_not_required(secure_admin_login(admin.site.login))

urlpatterns = [
    path("", workplan_views.home, name="home"),
    path("rencana/", include("workplan.urls")),
    path("", include("evidence.urls")),
    path("", include("monev.urls")),
    path("", include("findings.urls")),
    path("", include("surveys.urls")),
    path("dashboard/", RedirectView.as_view(pattern_name="monev:dashboard", query_string=True)),
    path("akun/token/", include("zi_portal.accounts.urls")),
    # Not under /akun/: switching units needs the second step like every other page.
    path("unit/pindah/", accounts_views.unit_switch, name="unit_switch"),
    path("kementerian/", include("ministry.urls")),
    path("evaluasi/", include("evaluation.urls")),
    path("akun/", include("allauth.urls")),
    path("i18n/setlang/", core_views.language_set, name="set_language"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("evidence.urls_api")),
    path("api/v1/", include("surveys.urls_api")),
    path("api/", include("lke.urls_api")),
    path("api/", include("ministry.urls_api")),
    path("lke/", include("lke.urls")),
    path("cari/", include("search.urls")),
    path("api/schema/", login_not_required(SpectacularAPIView.as_view()), name="api-schema"),
    path(
        "api/docs/",
        # The split view serves its start-up script as a file (?script): no inline script,
        # so the docs run under the portal's Content-Security-Policy (core/headers.py).
        login_not_required(
            SpectacularSwaggerSplitView.as_view(
                url_name="api-schema", template_name="api/swagger_ui.html"
            )
        ),
        name="api-docs",
    ),
]

handler403 = "zi_portal.core.views.permission_denied"
handler404 = "zi_portal.core.views.page_not_found"
handler500 = "zi_portal.core.views.server_error"
