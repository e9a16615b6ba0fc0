"""Public pages. Every queryset here starts from Release.objects.live()."""

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import DetailView, ListView
from taggit.models import Tag

from articles.archive import archive_years, month_bounds, year_bounds
from articles.forms import SearchForm
from articles.models import Release, live_tags
from articles.pagecache import cached_for_content
from articles.search import search


def live_archive_years():
    """The archive navigation: one aggregate over live releases, reused until content changes."""
    return cached_for_content(
        "archive-years", lambda: archive_years(Release.objects.live().month_counts())
    )


class LiveReleasesMixin:
    """Shared by every public list: live releases only, 20 a page, newest first.

    With `empty_is_404`, a list with nothing live on it answers 404, like a page that never
    existed (not ListView.allow_empty, which costs an extra query: the paginator counts anyway).
    """

    paginate_by = 20
    context_object_name = "releases"
    empty_is_404 = False

    def get_queryset(self):
        return Release.objects.live().for_listing().newest_first()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.empty_is_404 and context["paginator"].count == 0:
            raise Http404("Nothing live here.")
        return context


class ReleaseListView(LiveReleasesMixin, ListView):
    template_name = "articles/release_list.html"

    def get_queryset(self):
        return super().get_queryset().featured_first()

    def get_context_data(self, **kwargs):
        return super().get_context_data(archive_years=live_archive_years(), **kwargs)


class TagView(LiveReleasesMixin, ListView):
    template_name = "articles/tag.html"
    empty_is_404 = True

    def get_queryset(self):
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        return super().get_queryset().filter(tags=self.tag)

    def get_context_data(self, **kwargs):
        return super().get_context_data(tag=self.tag, **kwargs)


class ArchiveView(LiveReleasesMixin, ListView):
    """A year (/news/2026/) or a month (/news/2026/05/) of live releases, under date headings."""

    empty_is_404 = True

    def get_template_names(self):
        monthly = self.month is not None
        return ["articles/archive_month.html" if monthly else "articles/archive_year.html"]

    def get_queryset(self):
        self.year, self.month = self.kwargs["year"], self.kwargs.get("month")
        if self.month is None:
            start, end = year_bounds(self.year)
        else:
            start, end = month_bounds(self.year, self.month)
        self.start = start
        return super().get_queryset().filter(publish_at__gte=start, publish_at__lt=end)

    def get_context_data(self, **kwargs):
        years = live_archive_years()
        return super().get_context_data(
            archive_years=years,
            archive_year=next((y for y in years if y.year == self.year), None),
            period=self.start,
            **kwargs,
        )


class SearchView(LiveReleasesMixin, ListView):
    template_name = "articles/search.html"

    def get_queryset(self):
        tags = cached_for_content("live-tags", lambda: list(live_tags()))
        self.form = SearchForm(self.request.GET or None, tags=tags)
        releases = super().get_queryset()
        if not self.form.has_criteria():
            return releases.none()
        criteria = self.form.cleaned_data
        if criteria["kind"]:
            releases = releases.filter(kind=criteria["kind"])
        if criteria["tag"]:
            releases = releases.filter(tags__slug=criteria["tag"])
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
        return super().get_context_data(form=self.form, query=query, **kwargs)


class ReleaseDetailView(DetailView):
    template_name = "articles/release_detail.html"
    context_object_name = "release"

    def get_queryset(self):
        return (
            Release.objects.live().select_related("office").prefetch_related("tags", "corrections")
        )

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        canonical = self.object.get_absolute_url()
        if request.path != canonical:
            # The publish date was corrected after links went out: send readers on.
            return redirect(canonical, permanent=True)
        return self.render_to_response(self.get_context_data(object=self.object))

    def get_context_data(self, **kwargs):
        release, live = self.object, Release.objects.live()
        return super().get_context_data(
            related=live.related_to(release),
            previous_release=live.before(release),
            next_release=live.after(release),
            **kwargs,
        )
