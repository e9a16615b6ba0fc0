"""Readers' e-mail alerts: subscribing with no account, the links in their mail, who gets a
release's alert, and the readers' side of the admin."""
