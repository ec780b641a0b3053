"""Models of monitoring and evaluation, one module per subject."""

from .messages import Message, Notification, ReminderPolicy, ReminderRecord, SweepRun
from .records import ActivityRealisation, AreaNarrative
from .reports import Report

__all__ = [
    "ActivityRealisation",
    "AreaNarrative",
    "Message",
    "Notification",
    "ReminderPolicy",
    "ReminderRecord",
    "Report",
    "SweepRun",
]
