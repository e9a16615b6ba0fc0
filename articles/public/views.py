"""Public pages. Every queryset here starts from Release.objects.live()."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import get_language, pgettext
from django.views.generic import DetailView, ListView
from taggit.models import Tag

from articles.models import Release, TopicDescription
from articles.pagecache.caching import cached_for_content
from articles.pagecache.freshness import depends_on
from articles.pagecache.keys import LIVE, release_key, tag_key
from articles.public.archive import month_bounds, year_bounds
from articles.public.cards import CARD_FIELDS, as_cards, with_tag_lists
from articles.public.forms import SearchForm
from articles.public.fragments import cached_live_tags, live_archive_years, release_page
from articles.public.moved import find_redirect, moved_response
from articles.public.search import search


def month_format():
    return pgettext("date format", "F Y")


def day_format():
    return pgettext("date format", "l, F j, Y")


class IdsFirstPaginator(Paginator):
    """Deep pages cost what page 1 costs: the page's ids come from the index alone (an OFFSET
    over index entries, not rows), then only those rows are loaded, in the same order. Page 1
    skips the first step: with nothing to skip, one ordered scan with a limit is enough.

    With a `count_key`, the total is a fragment cached until content or the clock changes it,
    so a list of 100,000 releases does not count them on every request.
    """

    def __init__(self, *args, count_key=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.count_key = count_key

    @cached_property
    def count(self):
        if self.count_key is None:
            return super().count
        return cached_for_content(f"count:{self.count_key}", self.object_list.count, [LIVE])

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        if bottom == 0:
            return self._get_page(list(self.object_list[: self.per_page]), number, self)
        ids = list(self.object_list.values_list("pk", flat=True)[bottom : bottom + self.per_page])
        rows = list(self.object_list.filter(pk__in=ids)) if ids else []
        return self._get_page(rows, number, self)


class LiveReleasesMixin:
    """Shared by every public list: live releases only, 20 a page, newest first, as cards
    that show their tags (`cards_show_tags`), with any pinned releases above them.

    With `empty_is_404`, a list with nothing live on it answers 404, like a page that never
    existed (not ListView.allow_empty, which costs an extra query: the paginator counts anyway).
    """

    paginate_by = 20
    paginator_class = IdsFirstPaginator
    page_cache_params = ("page",)
    context_object_name = "releases"
    empty_is_404 = False
    cards_show_tags = True

    def get_queryset(self):
        return as_cards(Release.objects.live().in_language(get_language())).newest_first()

    def count_key(self):
        """A stable name for this list's total, or None to count every time."""
        return None

    def get_paginator(self, *args, **kwargs):
        key = self.count_key()
        key = key and f"{get_language()}:{key}"  # each language's list counts its own
        return super().get_paginator(*args, count_key=key, **kwargs)

    def pinned_releases(self, page):
        """Releases shown above this page's own, as `featured`."""
        return []

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.empty_is_404 and context["paginator"].count == 0:
            raise Http404("Nothing live here.")
        context["featured"] = self.pinned_releases(context["page_obj"])
        shown = [*context["featured"], *context["object_list"]]
        depends_on(LIVE, *(release_key(release.pk) for release in shown))
        if self.cards_show_tags:  # one query for every card on the page
            with_tag_lists(shown)
        return context


class ReleaseListView(LiveReleasesMixin, ListView):
    """Featured releases pinned above page 1, then every other live release, newest first.

    Keeping the featured ones out of the paginated list lets both read an index in order
    (status, featured, publish time) instead of sorting every live release on every page.
    """

    template_name = "articles/release_list.html"
    featured_limit = 5

    def count_key(self):
        return "list"

    def get_queryset(self):
        # `in` rather than `=False`: Django writes the latter as NOT featured, which SQLite
        # cannot match to the (status, featured, publish_at) index.
        return super().get_queryset().filter(featured__in=[False])

    def pinned_releases(self, page):
        if page.number != 1:
            return []
        featured = super().get_queryset().filter(featured__in=[True])  # the mixin's live list
        return list(featured[: self.featured_limit])

    def get_context_data(self, **kwargs):
        return super().get_context_data(archive_years=live_archive_years(), **kwargs)


class TagView(LiveReleasesMixin, ListView):
    """A topic's live releases, under its description when it has one."""

    template_name = "articles/tag.html"
    empty_is_404 = True

    def count_key(self):
        return f"tag:{self.tag.pk}"

    def get_queryset(self):
        topics = Tag.objects.select_related("description")
        self.tag = get_object_or_404(topics, slug=self.kwargs["slug"])
        return super().get_queryset().tagged(pk=self.tag.pk)

    def get_context_data(self, **kwargs):
        depends_on(tag_key(self.tag.pk))  # its description
        description = TopicDescription.text_of(self.tag)
        return super().get_context_data(tag=self.tag, description=description, **kwargs)


class ArchiveView(LiveReleasesMixin, ListView):
    """A year (/news/2026/) or a month (/news/2026/05/) of live releases, under date headings:
    a year's under its months, a month's under its days."""

    template_name = "articles/archive.html"
    empty_is_404 = True

    def count_key(self):
        return f"archive:{self.year}:{self.month}"

    def get_queryset(self):
        self.year, self.month = self.kwargs["year"], self.kwargs.get("month")
        if self.month is None:
            start, end = year_bounds(self.year)
        else:
            start, end = month_bounds(self.year, self.month)
        self.start = start
        return super().get_queryset().filter(publish_at__gte=start, publish_at__lt=end)

    def get_context_data(self, **kwargs):
        monthly = self.month is not None
        return super().get_context_data(
            archive_years=live_archive_years(),
            period_name=date_format(self.start, month_format()) if monthly else str(self.year),
            group_format=day_format() if monthly else month_format(),
            current_month=self.start.date() if monthly else None,
            **kwargs,
        )


class SearchView(LiveReleasesMixin, ListView):
    template_name = "articles/search.html"
    cards_show_tags = False  # results show a snippet instead
    page_cache_params = ("page", *SearchForm.base_fields)

    def get_queryset(self):
        # Only the form's own parameters: any other leaves the page (and its cache key) alone.
        given = self.request.GET
        data = {name: given[name] for name in SearchForm.base_fields if name in given}
        self.form = SearchForm(data or None, tags=cached_live_tags())
        # Each result shows an excerpt of its body (search.snippet); cards do not load it.
        releases = super().get_queryset().only(*CARD_FIELDS, "body")
        if not self.form.has_criteria():
            return releases.none()
        criteria = self.form.cleaned_data
        if criteria["kind"]:
            releases = releases.filter(kind=criteria["kind"])
        if criteria["tag"]:
            releases = releases.tagged(slug=criteria["tag"])
        start, end = self.form.date_range()
        if start:
            releases = releases.filter(publish_at__gte=start)
        if end:
            releases = releases.filter(publish_at__lt=end)
        if criteria["q"]:
            releases = search(releases, criteria["q"])
        return releases

    def get_context_data(self, **kwargs):
        query = self.form.cleaned_data.get("q", "") if self.form.is_bound else ""
        # Further pages keep the search: the form's own parameters, in the form's order.
        criteria = urlencode(
            [(name, self.form.data[name]) for name in self.form.fields if self.form.data.get(name)]
        )
        return super().get_context_data(form=self.form, query=query, criteria=criteria, **kwargs)


class ReleaseDetailView(DetailView):
    template_name = "articles/release_detail.html"
    context_object_name = "release"
    page_cache_params = ()

    def get_queryset(self):
        # Any language: an edition asked for under another language's address is sent on to
        # its own by the check below.
        return Release.objects.live().select_related("office", "lead_image")

    def get_object(self, queryset=None):
        release = super().get_object(queryset)
        depends_on(release_key(release.pk))
        return release

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        canonical = self.object.get_absolute_url()
        if request.path != canonical:
            # Another release's old address, with this one's slug, leads to that one; else the
            # publish date was corrected after links went out: send readers on.
            found = find_redirect(request.path, whole_query=False)
            if found is not None:
                return moved_response(found)
            return redirect(canonical, permanent=True)
        return self.render_to_response(self.get_context_data(object=self.object))

    def get_context_data(self, **kwargs):
        return super().get_context_data(**release_page(self.object), **kwargs)
