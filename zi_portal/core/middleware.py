"""Language selection for an Indonesian office.

Django's LocaleMiddleware follows the browser's Accept-Language, and many office
laptops run an English browser. The portal speaks Bahasa Indonesia unless the person
chose otherwise: the language cookie (set by the switcher), then the account's saved
preference, then ``LANGUAGE_CODE``.
"""

from django.conf import settings
from django.utils import translation


class PortalLocaleMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in self.supported:
            user = getattr(request, "user", None)
            preferred = (
                getattr(user, "preferred_language", None)
                if user and user.is_authenticated
                else None
            )
            language = preferred if preferred in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response
