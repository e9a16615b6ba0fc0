"""Release cards: what lists and search results show of each release, loaded in a fixed number
of queries.

A speed trick, fenced here (bench/results/ has the measurements): cards load only
CARD_FIELDS instead of whole rows, and the tags of every card on a page come from one values
query (`with_tag_lists`) instead of taggit's prefetch. A card template that reads a field not in
CARD_FIELDS would cost one query per card; tests/public/test_cards.py fails if one does.
"""

from typing import NamedTuple

from django.contrib.contenttypes.models import ContentType
from taggit.models import TaggedItem

from articles.models import Release

# What a release card (and a search result) shows: see templates/public/articles/includes/.
CARD_FIELDS = [
    "kind", "title", "slug", "language", "summary", "dateline", "publish_at", "featured",
    "has_photos",
    "lead_image__key", "lead_image__extension", "lead_image__width", "lead_image__height",
    "lead_image__alt_text", "lead_image__decorative",
]  # fmt: skip


def as_cards(releases):
    """`releases` loading what a card shows and nothing else."""
    return releases.select_related("lead_image").only(*CARD_FIELDS)


class TagLink(NamedTuple):
    """What a page shows of a tag."""

    name: str
    slug: str
    pk: int


def with_tag_lists(releases):
    """Give each release a `tag_list` (TagLinks sorted by name) in one query; returns them."""
    releases = list(releases)
    by_release = {release.pk: release for release in releases}
    for release in releases:
        release.tag_list = []
    if by_release:
        rows = (
            TaggedItem.objects.filter(
                content_type=ContentType.objects.get_for_model(Release),
                object_id__in=list(by_release),
            )
            .order_by("tag__name")
            .values_list("object_id", "tag__name", "tag__slug", "tag_id")
        )
        for object_id, name, slug, tag_id in rows:
            by_release[object_id].tag_list.append(TagLink(name, slug, tag_id))
    return releases
