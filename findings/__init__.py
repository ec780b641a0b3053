"""Monitoring findings (*temuan*) and their owners' follow-up."""
