"""The surrogate keys: the names of what a public page shows, shared by the change log
(articles/models/changes.py), every cached page and fragment, and a CDN that purges by key.

- `site`: everything (the office, follow links, a tag's name); every entry depends on it.
- `live`: which releases are live and in what order: every list, feed, archive, sitemap and
  search page, and the counts and navigation built from them.
- `live-edits`: any edit to a live release: pages too long to name each release (sitemaps).
- `release:<id>`: one live release's content wherever it shows: its page, its card, its item
  in feeds and search results, and the links to it from neighbouring releases' pages.
- `tag:<id>`: which live releases carry a tag: the related links on their pages; and the
  tag's own page, which shows its description.
- `address:<digest>`: what one address answers when no live release's page is there: a
  redirect from it (made, changed or gone), or a release whose page it is coming or going. The
  digest is of the path and query (articles/addresses.py spells them), so any length fits.
- `schedule`: a minute moved on a release that is not live; no page depends on it, but it makes
  every server re-read the clock's minutes.

A CDN knows each key by `cdn_key(key)`: an HMAC under SECRET_KEY, so the `Surrogate-Key` header
names no release id and its gaps count no hidden release; `manage.py cdn_keys` gives a purger
the same names.
"""

import functools
import hashlib
import hmac

from django.conf import settings

SITE, LIVE, LIVE_EDITS, SCHEDULE = "site", "live", "live-edits", "schedule"


def release_key(pk):
    return f"release:{pk}"


def tag_key(pk):
    return f"tag:{pk}"


def address_key(path, query=""):
    digest = hashlib.sha256(f"{path.lower()}?{query}".encode()).hexdigest()[:24]
    return f"address:{digest}"


def cdn_key(key):
    """The name a CDN knows `key` by: opaque, the same on every server sharing SECRET_KEY."""
    return _opaque(settings.SECRET_KEY, key)


@functools.lru_cache(maxsize=4096)  # the same few keys go out on every cached page
def _opaque(secret, key):
    digest = hmac.new(secret.encode(), f"surrogate-key:{key}".encode(), hashlib.sha256)
    return digest.hexdigest()[:16]
