"""Tag housekeeping: one tag per topic whatever its case or accents, a new topic only on purpose
(never a near-duplicate by accident), descriptions, merging, and retiring topics nothing live
carries. Editors and readers call tags "topics"."""

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Count, Q
from django.utils.text import slugify
from taggit.models import Tag, TaggedItem

from articles.models import Release, TopicDescription
from articles.text import xml_safe

# A value of the release form's topic field naming a topic to create, as "new:<name>". Choosing
# "Create new topic “…”" among the suggestions posts one: the choice is the confirmation.
NEW_TOPIC = "new:"
NAME_MAX_LENGTH = Tag._meta.get_field("name").max_length


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


def split_names(text):
    """The names in `text`, separated by commas, in the order typed; of spellings that make one
    slug ("Trade", "trade"), the first."""
    names = {}
    for part in text.split(","):
        if name := xml_safe(part).strip():
            names.setdefault(slugify(name) or name, name)
    return list(names.values())


def name_problem(name):
    """Why `name` cannot be a new topic, or None."""
    if len(name) > NAME_MAX_LENGTH:
        return f"“{name[:40]}…” is too long for a topic: {NAME_MAX_LENGTH} characters at most."
    if "," in name:
        return f"“{name}”: a topic's name cannot hold a comma (commas separate topics)."
    if not slugify(name):
        return f"“{name}” needs a letter or a digit to be a topic."
    return None


def new_topic_names(names):
    """Those of `names` that no topic has yet: no topic's slug is theirs, so neither case nor
    accents make them one (canonical_tag_names folds those into the existing topic)."""
    slugs = {name: slugify(name) for name in names}
    taken = set(Tag.objects.filter(slug__in=slugs.values()).values_list("slug", flat=True))
    return [name for name, slug in slugs.items() if slug not in taken]


def slug_variants(name):
    """The slugs of the topics `name` would nearly duplicate: its own, and its plural or
    singular by a trailing "s" or "es" ("hurricane" and "hurricanes", "box" and "boxes")."""
    slug = slugify(name)
    if not slug:
        return set()
    variants = {slug, f"{slug}s", f"{slug}es"}
    for ending in ("s", "es"):
        if slug.endswith(ending) and len(slug) > len(ending):
            variants.add(slug.removesuffix(ending))
    return variants


def with_use_counts(tags):
    """`tags` with `release_count` (every release that carries one) and `live_count` (the live
    ones, by the visibility rule)."""
    release_type = ContentType.objects.get_for_model(Release)
    live = Q(
        taggit_taggeditem_items__content_type=release_type,
        taggit_taggeditem_items__object_id__in=Release.objects.live().values("pk"),
    )
    return tags.annotate(
        release_count=Count("taggit_taggeditem_items"),
        live_count=Count("taggit_taggeditem_items", filter=live),
    )


def near_duplicates(names):
    """{name: [the existing topics it would nearly duplicate, with their use counts]} for new
    topic names, in one query however many."""
    variants = {name: slug_variants(name) for name in names}
    wanted = set().union(*variants.values())
    tags = with_use_counts(Tag.objects.filter(slug__in=wanted)).order_by("name") if wanted else []
    return {name: [tag for tag in tags if tag.slug in slugs] for name, slugs in variants.items()}


def describe(tag, text):
    """Set `tag`'s description; an empty one removes it. Saves only a change, since each save
    makes the topic's cached page stale."""
    text = xml_safe(text).strip()
    if text == TopicDescription.text_of(tag):
        return
    if text:
        TopicDescription.objects.update_or_create(tag=tag, defaults={"text": text})
    else:
        TopicDescription.objects.filter(tag=tag).delete()


def merge_tags(sources, target):
    """Move everything tagged with any of `sources` to `target`, then delete the sources. The
    target keeps its description, or takes the first source's when it has none."""
    sources = [tag for tag in sources if tag.pk != target.pk]
    with transaction.atomic():
        if not TopicDescription.objects.filter(tag=target).exists():
            described = TopicDescription.objects.filter(tag__in=sources).order_by("tag__name")
            if first := described.first():
                TopicDescription.objects.create(tag=target, text=first.text)
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


def retire_tags(pks):
    """Delete the topics among `pks` that no live release carries (drafts, scheduled and past
    releases lose them); returns (the names retired, the names kept because a live release
    carries them)."""
    chosen = Tag.objects.filter(pk__in=pks).order_by("name")
    live = Release.objects.live().tags().values("pk")
    with transaction.atomic():
        kept = list(chosen.filter(pk__in=live).values_list("name", flat=True))
        retiring = list(chosen.exclude(pk__in=live).select_for_update())
        for tag in retiring:
            tag.delete()
    return [tag.name for tag in retiring], kept
