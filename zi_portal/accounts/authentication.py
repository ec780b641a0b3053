"""``Authorization: Token …`` for the API: the token's SHA-256 is looked up among the
person's usable tokens (not revoked, not expired)."""

from datetime import timedelta

from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from .mfa import api_message, mfa_missing
from .models import ApiToken, api_token_digest

# last_used_at is written at most once a minute per token, not on every call.
LAST_USED_STEP = timedelta(minutes=1)


class ApiTokenAuthentication(TokenAuthentication):
    model = ApiToken

    def authenticate_credentials(self, key: str):
        token = (
            ApiToken.objects.usable()
            .select_related("user", "user__unit")
            .filter(digest=api_token_digest(key))
            .first()
        )
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed()  # the message: core/api.py
        if mfa_missing(token.user):
            raise exceptions.PermissionDenied(api_message())
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_STEP:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token
