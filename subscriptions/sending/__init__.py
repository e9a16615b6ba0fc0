"""Sending every kind of mail exactly once: the outbox rows, the engine that claims and sends
them, the worker (`manage.py deliver`), the task queue and the readers' mail."""
