"""Signed webhooks to partner systems: the endpoints Administrators register, the events a
release's life makes, and their delivery over HTTP by the one sending engine."""
