"""The one refusal exception of the portal.

A service that will not do what it was asked raises ``Refused`` (or a subclass that
names its domain) with a message for the person who asked, in their language, saying
what was wrong and what is accepted. Pages show the message; the API answers
``{"error": {"code", "message"}}`` with ``status`` (see ``zi_portal.core.api``).
"""

from __future__ import annotations


class Refused(Exception):
    """An action the portal refuses. Nothing was written when it is raised."""

    default_code = "refused"

    def __init__(self, message: str, *, code: str | None = None, status: int = 400):
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.status = status

    def __str__(self) -> str:
        return self.message
