"""Monitoring and evaluation, the layer that reads everything: reminders and notifications,
the dashboard, *Tugas saya*, activity realisation, narratives, PDF reports and bundles."""
