"""Models of monitoring and evaluation, one module per subject."""

from .findings import ActivityRealisation, AreaNarrative, Finding
from .messages import Message, Notification, ReminderPolicy, ReminderRecord
from .reports import Report

__all__ = [
    "ActivityRealisation",
    "AreaNarrative",
    "Finding",
    "Message",
    "Notification",
    "ReminderPolicy",
    "ReminderRecord",
    "Report",
]
