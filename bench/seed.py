"""Seed N realistic releases fast: bulk inserts of bodies sanitised exactly as save() would.

1–5 tags each from a pool of 200, ~600-word bodies, publish times spread over ten years, a few
drafts, scheduled and withdrawn releases among them.
"""

import datetime
import random
import time
import timeit
import uuid

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import Tag, TaggedItem

from articles.models import Office, Release
from articles.public.search import search
from articles.text import first_sentence, paragraphs_to_html

WORDS = (
    "harbor", "coast", "storm", "grant", "marsh", "levee", "pilot", "dune", "budget", "policy",
    "secretary", "water", "flood", "tide", "community", "resilience", "program", "funding",
    "report", "county", "state", "federal", "partner", "agency", "research", "shoreline",
    "channel", "dredging", "restoration", "habitat", "oyster", "reef", "wetland", "season",
    "hurricane", "surge", "mayor", "engineer", "volunteer", "survey", "data", "map", "contract",
    "bridge", "road", "port", "vessel", "crew", "safety", "training", "exercise", "response",
    "recovery", "emergency", "plan", "public", "meeting", "comment", "review", "office",
)  # fmt: skip
# Proper names as real releases have them: each appears in about one release in a hundred, so a
# search for one behaves like a reader's search, not a match on every release.
_SYLLABLES = ("al", "bre", "cor", "dun", "el", "fen", "gar", "hol", "ist", "jor", "kel", "lan",
              "mor", "nes", "ost", "pel", "quin", "ros", "sal", "tor")  # fmt: skip
NAMES = [
    f"{a}{b}{c}".capitalize() for a in _SYLLABLES for b in _SYLLABLES[:5] for c in ("ton", "ville")
]
PLACES = ["WASHINGTON", "NORFOLK, Va.", "NEW ORLEANS", "SEATTLE", "TAMPA, Fla.", "BOSTON"]
BATCH = 2000


def _sentence(rng):
    words = rng.choices(WORDS, k=rng.randint(10, 18))
    return " ".join(words).capitalize() + "."


def _body(rng):
    paragraphs = [" ".join(_sentence(rng) for _ in range(5)) for _ in range(8)]  # ~600 words
    paragraphs[2] = f"“{_sentence(rng)[:-1]},” the Secretary said."
    first, second = rng.sample(NAMES, 2)
    paragraphs[1] = f"Officials from {first} and {second} joined the effort. {paragraphs[1]}"
    return paragraphs_to_html(paragraphs)


def seed(n, *, seed_value=42):
    """Insert n releases; returns releases per second (inserting and settling), and a one-word
    search's time in ms just before and just after settling (`search_ms`)."""
    rng = random.Random(seed_value)
    started = time.perf_counter()
    sanitize = Release._meta.get_field("body").sanitize
    office, _ = Office.objects.get_or_create(
        name="Office of Public Affairs",
        defaults={"parent_organisation": "Department of Examples", "is_default": True},
    )
    tags = [
        Tag.objects.get_or_create(name=f"Topic {i:03d}", slug=f"topic-{i:03d}")[0]
        for i in range(200)
    ]
    content_type = ContentType.objects.get_for_model(Release)
    now = timezone.now()
    kinds = [k for k, _ in Release.Kind.choices]
    made = 0
    while made < n:
        releases, tag_choices = [], []
        for i in range(made, min(n, made + BATCH)):
            title = " ".join(rng.choices(WORDS, k=rng.randint(5, 9))).title()
            body = sanitize(_body(rng))
            roll = rng.random()
            status, publish_at = (
                Release.Status.PUBLISHED,
                now - datetime.timedelta(seconds=rng.randint(60, 3650 * 86400)),
            )
            if roll < 0.01:
                status, publish_at = Release.Status.DRAFT, None
            elif roll < 0.02:
                publish_at = now + datetime.timedelta(days=rng.randint(1, 30))
            elif roll < 0.03:
                status = Release.Status.WITHDRAWN
            releases.append(
                Release(
                    kind=rng.choice(kinds), title=title, slug=f"{slugify(title)[:150]}-{i}",
                    summary=first_sentence(body), body=body, dateline=rng.choice(PLACES),
                    office=office, status=status, publish_at=publish_at, featured=i < 3,
                    guid=uuid.uuid4(), lock_version=1, went_live_at=publish_at,
                )
            )  # fmt: skip
            tag_choices.append(rng.sample(tags, rng.randint(1, 5)))
        with transaction.atomic():
            created = Release.objects.bulk_create(releases)
            TaggedItem.objects.bulk_create(
                TaggedItem(tag=tag, content_type=content_type, object_id=release.pk)
                for release, chosen in zip(created, tag_choices, strict=True)
                for tag in chosen
            )
        made += len(releases)
    inserting = time.perf_counter() - started
    before = search_ms()
    # Fresh statistics, as autovacuum (PostgreSQL) or a periodic ANALYZE (SQLite) would give a
    # live site: without them the planners guess, and guess badly, after a bulk load. VACUUM
    # also merges the search index's pending list, as autovacuum soon would: until then every
    # search reads the whole list (`search_ms` in bench/results/ has a search before and after).
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    settling = time.perf_counter() - started
    rate = n / (inserting + settling)
    return rate, {"before_settling": before, "settled": search_ms()}


def search_ms(word=NAMES[7], repeat=5):
    """The best of `repeat` searches for one word, first page, in ms."""
    live = Release.objects.live()
    best = min(timeit.repeat(lambda: list(search(live, word)[:20]), number=1, repeat=repeat))
    return round(best * 1000, 2)
