"""The tasks' old address: task rows queued before they moved to subscriptions/sending/tasks.py
name them here, and the worker finds each by that name (django-tasks stores the path)."""

from subscriptions.sending.tasks import answer_subscriber, fan_out, send_test_alert

__all__ = ["answer_subscriber", "fan_out", "send_test_alert"]
