"""Pages of the portal itself: error pages and the language switch."""

import errno
import sys

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token
from django.views.i18n import set_language

STORAGE_FULL = (errno.ENOSPC, errno.EDQUOT)


@requires_csrf_token
def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = str(exception) if exception and str(exception) else ""
    return render(request, "403.html", {"message": message}, status=403)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form refused by the CSRF check, said in the portal's words: usually a page
    left open past the session, or cookies blocked."""
    return render(request, "403_csrf.html", status=403)


@requires_csrf_token
def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = ""
    if exception is not None and exception.args and isinstance(exception.args[0], str):
        message = exception.args[0]
    return render(request, "404.html", {"message": message}, status=404)


@login_not_required
def language_set(request: HttpRequest) -> HttpResponse:
    """Django's set_language, remembering the choice on the account too (e-mails use it)."""
    response = set_language(request)
    language = request.POST.get("language")
    user = request.user
    if (
        user.is_authenticated
        and language in dict(settings.LANGUAGES)
        and response.status_code == 302
        and user.preferred_language != language
    ):
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])
    return response


def _caused_by(exception: BaseException | None, test) -> bool:
    while exception is not None:
        if test(exception):
            return True
        exception = exception.__cause__ or exception.__context__
    return False


def _storage_full(exception: BaseException | None) -> bool:
    return _caused_by(exception, lambda e: isinstance(e, OSError) and e.errno in STORAGE_FULL)


def _database_unavailable(exception: BaseException | None) -> bool:
    """The database could not be reached or answered (restart, lost connection, a lock
    that did not clear): a request that may simply be sent again."""
    return _caused_by(exception, lambda e: isinstance(e, OperationalError | InterfaceError))


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    """The answer to an error no view handled, in the shape of where it was asked.

    A full disk (``ENOSPC``) is 507 and says so: the storage removed what it had begun
    to write (core/storage.py), so nothing was stored. A database that could not be
    reached (a restart, a lost connection) is 503 with ``Retry-After``: the portal takes
    the database back by itself once it answers. Anything else is 500. The API
    answers its documented ``{"error": {"code", "message"}}`` (PortalRB its own shape);
    a page is rendered without the database, which may be what failed.
    """
    exception = sys.exc_info()[1]
    if _storage_full(exception):
        status, code = 507, "storage_full"
        title = _("Ruang penyimpanan server penuh")
        message = _(
            "Ruang penyimpanan server penuh, sehingga berkas Anda tidak tersimpan dan "
            "tidak ada data yang berubah. Beri tahu pengelola server atau Ketua Tim ZI, "
            "lalu kirim ulang setelah ruang tersedia."
        )
    elif _database_unavailable(exception):
        status, code = 503, "database_unavailable"
        title = _("Basis data sedang tidak dapat dihubungi")
        message = _(
            "Basis data portal sedang tidak dapat dihubungi (misalnya sedang dimulai "
            "ulang), sehingga permintaan Anda belum diproses. Coba lagi dalam satu menit. "
            "Bila Anda mengirim data, buka kembali halamannya untuk memeriksa apakah data "
            "itu sudah tersimpan sebelum mengirim ulang."
        )
    else:
        status, code = 500, "server_error"
        title = _("Terjadi kesalahan pada server")
        message = _(
            "Permintaan Anda tidak dapat diselesaikan karena kesalahan pada server. Bila "
            "Anda mengirim data, buka kembali halamannya untuk memeriksa apakah data itu "
            "sudah tersimpan sebelum mengirim ulang; bila berulang, hubungi Ketua Tim ZI."
        )
    path = request.path_info or ""
    if path.startswith("/api/portalrb/"):
        response = JsonResponse({"error": True, "code": code, "message": message}, status=status)
    elif path.startswith("/api/"):
        response = JsonResponse({"error": {"code": code, "message": message}}, status=status)
    else:
        page = loader.get_template("500.html").render(
            {"title": title, "message": message, "stylesheet": _stylesheet()}
        )
        response = HttpResponse(page, status=status)
    if status == 503:
        response["Retry-After"] = "30"
    return response


def _stylesheet() -> str:
    try:
        return static("css/zi.css")
    except Exception:  # noqa: BLE001 - no manifest: the error page still renders
        return settings.STATIC_URL + "css/zi.css"
