"""Tag housekeeping: one tag per topic whatever its case or accents, and merging tags."""

from django.db import transaction
from django.utils.text import slugify
from taggit.models import Tag, TaggedItem

from articles.text import xml_safe


def canonical_tag_names(names):
    """Names to store, reusing an existing tag whose slug matches (“Défense” → “Defense”).

    taggit already ignores case (TAGGIT_CASE_INSENSITIVE); slugify also folds accents.
    """
    names = [xml_safe(name).strip() for name in names]
    wanted = {name: slugify(name) for name in names if name}
    existing = {tag.slug: tag.name for tag in Tag.objects.filter(slug__in=wanted.values())}
    result = []
    for name, slug in wanted.items():
        chosen = existing.get(slug, name)
        if chosen not in result:
            result.append(chosen)
        existing.setdefault(slug, name)  # two new spellings in one list become one tag
    return result


def merge_tags(sources, target):
    """Move everything tagged with any of `sources` to `target`, then delete the sources."""
    sources = [tag for tag in sources if tag.pk != target.pk]
    with transaction.atomic():
        for source in sources:
            items = TaggedItem.objects.filter(tag=source)
            already = TaggedItem.objects.filter(tag=target).values_list(
                "content_type_id", "object_id"
            )
            taken = set(already)
            for item in items.select_for_update():
                if (item.content_type_id, item.object_id) in taken:
                    item.delete()
                else:
                    item.tag = target
                    item.save(update_fields=["tag"])
                    taken.add((item.content_type_id, item.object_id))
            source.delete()
    return len(sources)
