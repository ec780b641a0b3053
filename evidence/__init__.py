"""Evidence uploads, versions, review and storage (built on ``workplan.EvidenceRequirement``)."""
