"""The addresses whose path is a credential: a confirmation, manage, unsubscribe, press, preview,
fact-check or calendar-feed link opens something with no account, so whoever reads the address
can use it. pressoffice/scrubbing.py hides the token wherever a path is written down, and the
404 page (public/moved.py) offers no search for its words.
This module imports nothing of Django's, so gunicorn's master and the settings can use it.
"""

# Every path shape whose segment after the prefix is a token (subscriptions/urls.py and the
# share links in pressoffice/urls.py); tests/ops/test_observability.py checks that every URL
# pattern with a token is one of them, tests/ops/test_deploy.py that nginx's log map names them.
TOKEN_PREFIXES = (
    "subscribe/confirm", "subscriptions", "unsubscribe", "embargoed", "preview", "fact-check",
    "calendar",
)  # fmt: skip


def holds_token(path):
    """Whether `path` (a request's path, without the script prefix) is a tokenised address."""
    return path.startswith(tuple(f"/{prefix}/" for prefix in TOKEN_PREFIXES))
