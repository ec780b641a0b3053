"""What the evidence app tells the apps built on it. Sent inside the transaction of the
change; a receiver that hands work to the worker queues it for after the commit
(``zi_portal.core.queue.enqueue``)."""

from django.dispatch import Signal

# A reviewer asked for a revision; ``review`` is the new Review row. Monitoring tells
# the uploader (batched: see monev.receivers).
revision_requested = Signal()

# Someone wrote a reply on a version; ``reply`` is the new VersionReply row and
# ``recipient_ids`` the people of the other side to tell (monev.receivers).
reply_posted = Signal()
