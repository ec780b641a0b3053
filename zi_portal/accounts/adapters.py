"""allauth adapter: accounts are created by the Ketua Tim, never by sign-up; the sign-in
limits key on the portal's one client address."""

from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from zi_portal.core.audit import client_ip

from .permissions import user_roles
from .roles import Role

# Where each role's work starts, first match wins: the reviewers' queue, the Kepala's
# dashboard, the PIC's and pokja member's tasks.
LANDING = [
    (Role.KETUA, "evidence:queue"),
    (Role.TPI, "evidence:queue"),
    (Role.KEPALA, "monev:dashboard"),
    (Role.PIC, "monev:tasks"),
    (Role.MEMBER, "monev:tasks"),
]


def landing_url(user) -> str:
    """The page a user's work starts on (the plan overview for anyone else)."""
    roles = user_roles(user)
    for role, name in LANDING:
        if role in roles:
            return reverse(name)
    return reverse("home")


class NoSignupAccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        return False

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        """The lockout counts per e-mail only. allauth puts the host name in front, so
        with several ALLOWED_HOSTS (a name and an address, or a port) each would count
        its own five failures."""
        login = credentials.get("email", credentials.get("username", "")) or ""
        return f"login:{login.lower()}"

    def authenticate(self, request, **credentials):
        """A sign-in that the server could not check (the database away, say) is not a
        failed sign-in: allauth has already counted the attempt against the lockout, so
        give it back before the error is answered (503, core/views.py). Otherwise five
        people trying during a database restart would lock their accounts for minutes."""
        try:
            return super().authenticate(request, **credentials)
        except Exception:
            self._rollback_login_failed_rl_usage()
            raise

    def get_login_redirect_url(self, request) -> str:
        """After sign-in (without a ``next``), each role lands where its work is."""
        return landing_url(request.user)

    def get_client_ip(self, request) -> str:
        ip = client_ip(request)
        if not ip:
            raise PermissionDenied("Unable to determine client IP address")
        return ip
