"""What the evidence app tells the apps built on it. Sent inside the transaction of the
change; a receiver that hands work to the worker queues it for after the commit
(``zi_portal.core.queue.enqueue``)."""

from django.dispatch import Signal

# A reviewer asked for a revision; ``review`` is the new Review row. Monitoring tells
# the uploader (batched: see monev.receivers).
revision_requested = Signal()
