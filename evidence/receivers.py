"""Evidence stamps its plan when a version or a review is saved (``workplan.stamps``;
connected in ``apps.py``): the cached statuses and dashboard parts of the plan are then
computed afresh. Versions and reviews are never deleted by the portal (a version is
withdrawn, a review stays)."""

from workplan.stamps import stamp_on_save

from .models import EvidenceVersion, Review

stamp_on_save(EvidenceVersion, "quarters__cells__requirements", "requirement_id")
stamp_on_save(Review, "quarters__cells__requirements__versions", "version_id")
