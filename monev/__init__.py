"""Monitoring and evaluation: findings, reminders, dashboards' numbers and PDF reports."""
