"""API throttles keyed on the portal's one client address (``audit.client_ip``).

DRF's own ``get_ident`` takes the whole X-Forwarded-For header when ``NUM_PROXIES`` is
unset, so a client that writes a new header on every call gets a new bucket each time.
"""

from rest_framework.throttling import ScopedRateThrottle

from .audit import client_ip


class ClientScopedRateThrottle(ScopedRateThrottle):
    def get_ident(self, request) -> str:
        return client_ip(request) or "unknown"
