"""The addresses whose path is a credential, and the one function that hides it wherever a path
is written down: log lines (ScrubTokens below; observability.JsonFormatter), gunicorn's access
and error logs (deploy/gunicorn.conf.py) and Sentry events (settings: before_send).

Whoever reads such an address can use it (articles/token_paths.py lists their shapes), so the
token goes no further than the request itself.
This module imports nothing of Django's, so gunicorn's master and the settings can use it.
"""

import logging
import re

from articles.token_paths import TOKEN_PREFIXES

HIDDEN = "[token]"

# The prefix must start the path: after the start of the text, a space or quote, an `=`, or a
# scheme and host, so /admin/subscriptions/… (no token there) is left alone.
_PATH = r"/(?:" + "|".join(map(re.escape, TOKEN_PREFIXES)) + r")/"
_TOKENISED = re.compile(
    r"""(?P<before>^|[\s"'(<=,]|//[^/\s"'<>]*)(?P<path>""" + _PATH + r""")[^/?#\s"'<>]+"""
)
# The full pattern tries at every character; most text (gunicorn scrubs every header of every
# request) has no prefix at all, which this finds in one quick scan.
_PREFIX = re.compile(_PATH)


def scrub(text):
    """`text` with the token of every tokenised path in it replaced by HIDDEN."""
    if not isinstance(text, str) or not _PREFIX.search(text):
        return text
    return _TOKENISED.sub(rf"\g<before>\g<path>{HIDDEN}", text)


def scrub_all(value):
    """`value` (nested dicts, lists and strings, as in a Sentry event) with every string
    scrubbed."""
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, dict):
        return {key: scrub_all(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(scrub_all(item) for item in value)
    return value


def scrub_event(event, hint=None):
    """Sentry's before_send (and before_send_transaction): the event with no token in its
    request URL, breadcrumbs, messages or anything else it carries."""
    return scrub_all(event)


class ScrubTokens(logging.Filter):
    """A logging filter that hides tokens in a record's message and traceback. settings.LOGGING
    puts it on django.request and django.security.csrf (every 404 and CSRF refusal is logged
    with its path), before any handler sees the record, Sentry's included, and on our handler,
    for every logger; deploy/gunicorn.conf.py puts it on gunicorn's error log."""

    def filter(self, record):
        message = record.getMessage()
        cleaned = scrub(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = scrub(logging.Formatter().formatException(record.exc_info))
        return True
