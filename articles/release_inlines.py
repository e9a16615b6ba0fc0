"""Inlines other rooms add to the release's admin page, below the release's own fields: the
social posts a Publisher writes with it, from subscriptions (added in its AppConfig.ready), so
the release admin shows them without importing that app."""

_INLINES = []


def add(inline):
    if inline not in _INLINES:
        _INLINES.append(inline)


def inlines():
    return list(_INLINES)
