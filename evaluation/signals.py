"""What the evaluation tells the apps built on it, inside the transaction of the change
(monitoring turns them into notifications: ``monev.receivers``)."""

from django.dispatch import Signal

# An assessor sent a question back to the unit; ``round`` is the new Round.
sent_back = Signal()

# The unit answered a question sent back; ``round`` is the Round it answered.
replied = Signal()
