"""What a topic (a taggit tag) says about itself beyond its name: an optional description, shown
on its public page and beside it in the readers' subscription form."""

from django.db import models
from taggit.models import Tag

DESCRIPTION_MAX_LENGTH = 500


class TopicDescription(models.Model):
    """A tag's description; most topics have none, so it is a row of its own rather than a
    column on taggit's table (which belongs to taggit's migrations)."""

    tag = models.OneToOneField(
        Tag, on_delete=models.CASCADE, primary_key=True, related_name="description"
    )
    text = models.TextField(
        "description",
        max_length=DESCRIPTION_MAX_LENGTH,
        help_text="A sentence or two on what this topic covers, for readers: shown on the "
        "topic's page and beside it where readers choose topics to follow. Plain text.",
    )

    def __str__(self):
        return self.text

    @classmethod
    def text_of(cls, tag):
        """`tag`'s description, or ""; load tags with select_related("description")."""
        try:
            return tag.description.text
        except cls.DoesNotExist:
            return ""
