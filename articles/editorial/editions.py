"""Editions from the editor's side: adding one to an original, the family as a release's page
shows it, and the original's revision an edition last followed (to show what changed since).

An edition starts as a draft copy of its original: the text to translate, in the original's
words, and the family's kind, office, lead photo, topics and alert setting. From then on it is a
release of its own (its own text, address, clearance and workflow); only its release number is
the family's (workflow._assign_release_number).
"""

from dataclasses import dataclass

import reversion
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import get_language_info
from reversion.errors import RevertError
from reversion.models import Version

from articles.errors import WorkflowError
from articles.models import AuditEntry, Release
from articles.models.editions import language_name
from articles.states import Status

ADD_PERMISSION = "articles.add_release"
# Copied for the translator to replace.
TRANSLATED_FIELDS = ("title", "summary", "dateline", "byline", "body")
# The family's: each member starts with the original's, and may change them afterwards.
SHARED_FIELDS = ("kind", "office_id", "lead_image_id", "send_alert")
# The original's revisions looked through for the text an edition followed, newest first.
REVISIONS_SEARCHED = 200
# What unused_slug may add to a slug taken already ("-3fa2b1").
_SUFFIX_ROOM = 7


def staff_language_name(code):
    """A language's name in the staff pages' language: "Spanish" (readers see "Español")."""
    try:
        return get_language_info(code)["name"]
    except KeyError:
        return language_name(code)


class EditionExists(WorkflowError):
    """The family has an edition in that language already (a second click, or two people at
    once): `edition` is the one that exists."""

    def __init__(self, edition):
        self.edition = edition
        name = staff_language_name(edition.language)
        super().__init__(f"This release already has a {name} edition.")


class NotAnOriginal(WorkflowError):
    """Editions are added to the original only: `original` is the one to add them to."""

    def __init__(self, edition):
        self.original = edition.original
        name = staff_language_name(edition.language)
        super().__init__(
            f"This is the {name} edition of another release: an edition has no editions of its "
            "own. Add editions from the original's page."
        )


def edition_slug(original, language):
    """The original's slug with the language's code ("harbor-reopens-es"): readable at once as
    which release it translates and in which language, and unlike the headline's own slug it
    takes no random suffix, which would look like a clash the workflow resolves when the edition
    goes live (workflow._claim_slug). The translator may change it to the translated words."""
    suffix = f"-{language}"
    room = Release._meta.get_field("slug").max_length - len(suffix) - _SUFFIX_ROOM
    return Release.objects.unused_slug(original.slug[:room].rstrip("-") + suffix)


def existing_edition(original, language):
    return Release.objects.filter(original=original, language=language).first()


def add_edition(original, language, user):
    """A draft edition of `original` in `language`, created by `user`; WorkflowError (or
    EditionExists, NotAnOriginal) says why not, and nothing is written."""
    if not user.has_perm(ADD_PERMISSION):
        raise WorkflowError("You do not have permission to add releases.")
    if original.original_id is not None:
        raise NotAnOriginal(original)
    if language not in dict(settings.LANGUAGES) or language == original.language:
        raise WorkflowError("Choose a language the site publishes in, other than the original's.")
    if original.status == Status.DELETED:
        raise WorkflowError("A deleted release gets no new edition: recover it first.")
    if existing := existing_edition(original, language):
        raise EditionExists(existing)
    try:
        with transaction.atomic():
            return _copy(original, language, user)
    except IntegrityError:
        # Someone added the same edition between the check above and this insert.
        if existing := existing_edition(original, language):
            raise EditionExists(existing) from None
        raise WorkflowError(
            "Another release took this address at the same moment: try again."
        ) from None


def _copy(original, language, user):
    name = staff_language_name(language)
    fields = {field: getattr(original, field) for field in TRANSLATED_FIELDS + SHARED_FIELDS}
    with reversion.create_revision():
        edition = Release(
            **fields, original=original, language=language, status=Status.DRAFT,
            slug=edition_slug(original, language), created_by=user, updated_by=user,
        )  # fmt: skip
        edition.save()
        edition.tags.set(original.tags.all())
        reversion.set_user(user)
        reversion.set_comment(f"{name} edition added")
    AuditEntry.objects.record(original, user, f"{name} edition added", f"“{edition.title}”")
    AuditEntry.objects.record(
        edition, user, f"{name} edition added", f"A draft copy of “{original.title}”, to translate"
    )
    return edition


@dataclass
class Member:
    """One release of a family, as the release page's family panel lists it."""

    release: Release
    current: bool  # the release whose page this is
    behind: bool  # an edition whose original's text changed after its own last did

    @property
    def language_name(self):
        return staff_language_name(self.release.language)

    @property
    def is_original(self):
        return self.release.original_id is None


# What the panel reads of each member: one query for the whole family.
_PANEL_FIELDS = (
    "title", "language", "original_id", "status", "publish_at", "expire_at",
    "text_fingerprint", "original_fingerprint",
)  # fmt: skip


def family_members(release):
    """Every member of `release`'s family, the original first, in one query."""
    rows = list(release.family().only(*_PANEL_FIELDS))
    original = next((row for row in rows if row.original_id is None), None)
    return [
        Member(
            row,
            current=row.pk == release.pk,
            behind=original is not None and row.original_changed_since(original),
        )
        for row in rows
    ]


def languages_to_add(release, members):
    """(code, name) of each language the family has no member in, for an original."""
    if release.original_id is not None or release.status == Status.DELETED:
        return []
    taken = {member.release.language for member in members}
    missing = [code for code, _ in settings.LANGUAGES if code not in taken]
    return [(code, staff_language_name(code)) for code in missing]


def blocking_editions(releases):
    """The editions, not deleted, of the originals among `releases` that are not themselves
    among them: what keeps those originals from being deleted."""
    chosen = {release.pk for release in releases}
    originals = [release.pk for release in releases if release.original_id is None]
    editions = Release.objects.filter(original_id__in=originals).exclude(status=Status.DELETED)
    return list(editions.exclude(pk__in=chosen).order_by("original_id", "pk"))


def revision_followed(edition, original):
    """The original's newest revision whose text is the one `edition` last followed (its
    `original_fingerprint`), or None when no revision kept has it."""
    versions = Version.objects.get_for_object(original).select_related("revision")
    for version in versions[:REVISIONS_SEARCHED]:
        try:
            stored = version.field_dict
        except RevertError:  # a revision from before a field it needs existed
            continue
        text = {name: stored.get(name) for name in Release.CLEARED_FIELDS}
        if Release.fingerprint(text) == edition.original_fingerprint:
            return version
    return None
