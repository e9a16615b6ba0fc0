"""What many tests share that is not a fixture: the pinned clock, the ways of not being live,
the line breaks Word pastes, photos made here, and one parser for the outline of a page."""

import datetime
import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from zoneinfo import ZoneInfo

from PIL import Image as PILImage

# The project folder, and the real sample releases kept beside it (shared/samples/ next to the
# project folder, when present; nothing of them is copied into the repository).
ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT.parent / "shared" / "samples"

OFFICE_TZ = ZoneInfo("America/New_York")
# A fixed "now" for tests that pin the clock: Wed 25 Nov 2026, 12:00 in the office.
NOW = datetime.datetime(2026, 11, 25, 12, 0, tzinfo=OFFICE_TZ)


def not_live(now, ahead=datetime.timedelta(minutes=1)):
    """One release field set for each way of not being live at `now`."""
    return {
        "draft": {"status": "draft"},
        "review": {"status": "review"},
        "withdrawn": {"status": "withdrawn"},
        "deleted": {"status": "deleted"},
        "scheduled": {"publish_at": now + ahead},
        "expired": {"publish_at": now - datetime.timedelta(days=2), "expire_at": now},
    }


NOT_LIVE = not_live(NOW)

# PAGE_CACHE_RECHECK_SECONDS for a test that counts queries, as on a busy server where the change
# log was read a moment ago: its windows follow the wall clock (articles/pagecache/freshness.py),
# so a minute's could end in the middle of a test; this one ends in 2033.
READ_ONCE = 10**9

# Word's Shift+Enter and a form feed, as editors paste them: characters XML 1.0 forbids.
WORD_BREAKS = "Shift+Enter\x0bfrom Word\x0cand a form feed"


def local(*args):
    """A time in the office's zone: local(2026, 10, 2, 9)."""
    return datetime.datetime(*args, tzinfo=OFFICE_TZ)


def photo_bytes(width=1200, height=800, fmt="JPEG", color=(20, 90, 160), exif=None, mode="RGB"):
    """An image made here, nothing downloaded: a gradient so encoders have something to do."""
    image = PILImage.new(mode, (width, height), color)
    for x in range(0, width, max(1, width // 16)):
        image.paste((x % 256, 120, 200) if mode == "RGB" else (x % 256, 120, 200, 128),
                    (x, 0, x + max(1, width // 32), height))  # fmt: skip
    buffer = io.BytesIO()
    kwargs = {"exif": exif} if exif is not None else {}
    image.save(buffer, fmt, **kwargs)
    return buffer.getvalue()


class Outline(HTMLParser):
    """What a page says beyond its text: its links (`links`: <a href>), headings, inline script
    or style, <meta> values, <link> elements (`head_links`) and JSON-LD blocks."""

    def __init__(self):
        super().__init__()
        self.links, self.headings, self.inline = [], [], []
        self.meta, self.head_links, self.json_ld = {}, [], []
        self._capture = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a":
            self.links.append(attrs.get("href"))
        elif tag == "meta":
            key = attrs.get("property") or attrs.get("name")
            self.meta.setdefault(key, []).append(attrs.get("content"))
        elif tag == "link":
            self.head_links.append(attrs)
        if re.fullmatch(r"h[1-6]", tag):
            self._capture = [tag, ""]
        if tag == "script" and attrs.get("type") == "application/ld+json":
            self._capture = ["script", ""]
        elif tag in {"script", "style"}:
            self.inline.append(tag)
        if "style" in attrs:
            self.inline.append(tag)
        if any(name.startswith("on") for name in attrs):
            self.inline.append(f"{tag} handler")

    def handle_data(self, data):
        if self._capture:
            self._capture[1] += data

    def handle_endtag(self, tag):
        if self._capture and tag == self._capture[0]:
            kind, text = self._capture
            if kind == "script":
                self.json_ld.append(json.loads(text))
            else:
                self.headings.append((kind, " ".join(text.split())))
            self._capture = None


def outline(response):
    parser = Outline()
    parser.feed(response.content.decode())
    return parser


def sign_in(client, username, password):
    """Sign in as staff do, through the sign-in page (which asks for a second factor when the
    account has one); returns the response."""
    return client.post("/accounts/login/", {"login": username, "password": password})


_LINK = re.compile(
    r"""(?:href|src)="([^"]+)"|<loc>([^<]+)</loc>|<link>([^<]+)</link>|"url": "([^"]+)\""""
)


def crawl(client, seeds, max_pages):
    """(url, response) for every public URL reachable from `seeds`: links, photo sources, feed
    items and sitemap entries, outside /admin/ and /static/; at most `max_pages`."""
    from collections import deque
    from urllib.parse import urljoin, urlsplit

    from django.urls import resolve
    from django.urls.exceptions import Resolver404
    from django.utils.translation import get_language_from_path, override

    queue, seen = deque(sorted(seeds)), set()
    while queue and len(seen) < max_pages:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        yield url, response
        if response.get("Content-Type", "").startswith("image/"):
            continue
        for groups in _LINK.findall(response.content.decode()):
            link = urljoin("http://testserver" + url, next(g for g in groups if g))
            parts = urlsplit(link)
            if parts.netloc != "testserver" or parts.path.startswith(("/admin/", "/static/")):
                continue
            try:  # in the language of the address (/es/… is Spanish)
                with override(get_language_from_path(parts.path) or "en"):
                    resolve(parts.path)
            except Resolver404:
                continue
            queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))


def cleared(release, by=None):
    """`release` with every sign-off it needs given on its current text, by a Reviewer who did
    not write it: where a test is about something other than clearance, its releases start
    cleared, as every release that goes out is. tests/editorial/test_clearance.py covers the
    ways a release gets there."""
    from articles.editorial import clearance
    from articles.models import SignOff

    by = by or second_reader()
    release.refresh_from_db()
    assert by.pk not in clearance.writers(release), "nobody clears their own writing"
    for place in clearance.missing(release):
        clearance.record(release, by, place, SignOff.Decision.CLEARED, "")
    return release


def second_reader():
    """A Reviewer who wrote nothing: the second person every publication needs."""
    from django.contrib.auth.models import Group, User

    from articles.roles import REVIEWER, ensure_roles

    ensure_roles()
    user, created = User.objects.get_or_create(username="second-reader", is_staff=True)
    if created:
        user.groups.add(Group.objects.get(name=REVIEWER))
    return user


def connected_account(network="mastodon", handle="@press@social.example.gov"):
    """A social account as the admin saves one (its credentials encrypted), for pages that
    show the Social panel; nothing here talks to a network."""
    import json

    from subscriptions.models import SocialAccount
    from subscriptions.sending import keys

    return SocialAccount.objects.create(
        network=network, handle=handle, base_url="https://social.example.gov",
        credentials_encrypted=keys.encrypt(json.dumps({"access_token": "unused"})),
    )  # fmt: skip
