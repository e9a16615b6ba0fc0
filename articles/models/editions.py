"""Editions: a release in another language is a release of its own (its own text, address,
clearance and workflow), tied to the release it translates as one family.

The family is the original and its editions: `original` is empty on the original and names it
on each edition (never an edition of an edition). They share a release number and, by default,
the office and the photo; what readers see of the tie is the language switcher and the
hreflang alternates, which name only the members that are live.
"""

from django.conf import settings
from django.db import models


def language_name(code):
    """A language's name in that language ("Español"), as settings.LANGUAGES spells it."""
    return dict(settings.LANGUAGES).get(code, code)


class ReleaseEdition(models.Model):
    language = models.CharField(
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        editable=False,
        help_text="The language of its text; an edition in another language is added from the "
        "original's page.",
    )
    original = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        editable=False,
        # An original with editions is not deleted from under its translators.
        on_delete=models.PROTECT,
        related_name="editions",
        help_text="The release this one translates; empty on an original.",
    )
    # The original's text fingerprint when this edition's text last changed: when the original's
    # moves on, the edition is marked "original changed since".
    original_fingerprint = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        abstract = True

    @property
    def family_id(self):
        """The original's id: the same for every member of a family."""
        return self.original_id or self.pk

    def family(self):
        """Every member of the family, this one included, the original first."""
        return type(self).objects.of_families([self.family_id])

    def note_original_read(self):
        """Before a save whose text changed: the edition now follows the original as it stands
        (the translator wrote against it)."""
        if self.original_id is not None:
            stored = type(self).objects.filter(pk=self.original_id)
            self.original_fingerprint = stored.values_list("text_fingerprint", flat=True).first()

    def original_changed_since(self, original=None):
        """True when the original's text changed after this edition's text last did."""
        if self.original_id is None:
            return False
        original = original or self.original
        return original.text_fingerprint != self.original_fingerprint
