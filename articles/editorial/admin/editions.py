"""Editions on the release page: the family panel (each member, its language and state, and
whether an edition follows its original's latest text), "Add a Spanish edition", and the way
from an edition to what changed in its original since it was last written. The rules are
articles/editorial/editions.py's."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.timezone import localtime

from articles.editorial import editions
from articles.editorial.admin.base import ReleaseViewsBase
from articles.errors import WorkflowError
from articles.roles import DELETE_PERMISSION
from articles.states import Status


def _change_url(release):
    return reverse("admin:articles_release_change", args=[release.pk])


class EditionsMixin(ReleaseViewsBase):
    def release_urls(self):
        return [
            *super().release_urls(),
            self.release_route("<int:pk>/editions/add/", self.add_edition_view, "add_edition"),
            self.release_route(
                "<int:pk>/original-changes/", self.original_changes_view, "original_changes"
            ),
        ]

    def release_page_context(self, request, release):
        context = super().release_page_context(request, release)
        if len(settings.LANGUAGES) < 2 and release.original_id is None:
            return context  # one language: no family, and no query to find none
        members = editions.family_members(release)
        may_open_deleted = request.user.has_perm(DELETE_PERMISSION)
        for member in members:
            shown = member.release.status != Status.DELETED or may_open_deleted
            member.url = _change_url(member.release) if shown and not member.current else None
        may_add = self.has_add_permission(request)
        return {
            **context,
            "family": members,
            "family_current": next(m for m in members if m.current),
            "family_original": next((m for m in members if m.is_original), None),
            "edition_languages": editions.languages_to_add(release, members) if may_add else [],
        }

    def add_edition_view(self, request, pk):
        self.require_post(request)
        original = self.release_or_404(request, pk)
        if not self.has_add_permission(request):
            raise PermissionDenied("Only those who may add releases add editions.")
        language = request.POST.get("language", "")
        try:
            edition = editions.add_edition(original, language, request.user)
        except editions.EditionExists as refused:
            existing = refused.edition
            self.message_user(request, format_html(
                '{} <a href="{}">Open the {} edition, “{}”</a>.', str(refused),
                _change_url(existing), editions.staff_language_name(existing.language),
                existing.title,
            ), messages.WARNING)  # fmt: skip
            return self.back_to(original)
        except editions.NotAnOriginal as refused:
            self.message_user(request, format_html(
                '{} <a href="{}">Open the original, “{}”</a>.', str(refused),
                _change_url(refused.original), refused.original.title,
            ), messages.ERROR)  # fmt: skip
            return self.back_to(original)
        except WorkflowError as refused:
            self.message_user(request, str(refused), messages.ERROR)
            return self.back_to(original)
        name = editions.staff_language_name(edition.language)
        self.message_user(
            request,
            f"{name} edition added as a draft copy of the original. Next: translate its "
            "headline, summary, dateline, byline and body, save, then submit it for review. Its "
            f"address ends in “{edition.slug}”: change the slug to the translated headline's "
            "words if you like.",
            messages.SUCCESS,
        )
        return self.back_to(edition)

    def original_changes_view(self, request, pk):
        """What changed in an edition's original since the edition was last written: the
        original's revision it followed, compared with the original now (revisions.py)."""
        edition = self.release_or_404(request, pk)
        if edition.original_id is None:
            raise Http404("An original translates nothing.")
        original = self.release_or_404(request, edition.original_id)
        history = reverse("admin:articles_release_history", args=[original.pk])
        if not edition.original_changed_since(original):
            self.message_user(request, "The edition follows the original's latest text.")
            return self.back_to(edition)
        version = editions.revision_followed(edition, original)
        if version is None:
            self.message_user(
                request,
                "The original's text as this edition last followed it is not among the "
                "original's revisions kept: compare them in its history.",
                messages.WARNING,
            )
            return redirect(history)
        when = date_format(localtime(version.revision.date_created), "D j M Y, H:i T")
        name = editions.staff_language_name(edition.language)
        self.message_user(
            request,
            f"What changed in the original since the {name} edition was last written: its text "
            f"of {when}, compared with its text now.",
        )
        return redirect(reverse("admin:articles_release_revision", args=[original.pk, version.pk]))


def protected_editions(releases):
    """The delete page's "protected" list: each edition that keeps an original from going."""
    return [
        format_html(
            '{} edition <a href="{}">“{}”</a> ({}): delete it first',
            editions.staff_language_name(edition.language),
            _change_url(edition),
            edition.title,
            edition.state_label,
        )  # fmt: skip
        for edition in editions.blocking_editions(releases)
    ]
