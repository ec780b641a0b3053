"""The refusal of the surveys app (a ``Refused``: nothing was written, the message says
what was wrong and what is accepted)."""

from zi_portal.core.errors import Refused


class SurveyRefused(Refused):
    """A survey change was refused; ``message`` is for the person who tried."""

    default_code = "survey_refused"
