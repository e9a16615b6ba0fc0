"""Public pages. Every queryset here starts from Release.objects.live()."""

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import DetailView, ListView
from taggit.models import Tag

from articles.models import Release


class LiveReleasesMixin:
    """Shared by every public list: live releases only, newest first, 20 a page."""

    paginate_by = 20
    context_object_name = "releases"

    def get_queryset(self):
        return Release.objects.live().for_listing().newest_first()


class ReleaseListView(LiveReleasesMixin, ListView):
    template_name = "articles/release_list.html"


class TagView(LiveReleasesMixin, ListView):
    template_name = "articles/tag.html"

    def get_queryset(self):
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        return super().get_queryset().filter(tags=self.tag)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(tag=self.tag, **kwargs)
        # A tag with no live release is a 404, like one that never existed. (Not allow_empty,
        # which costs an extra query; the paginator has counted already.)
        if context["paginator"].count == 0:
            raise Http404("No live release has this tag.")
        return context


class ReleaseDetailView(DetailView):
    template_name = "articles/release_detail.html"
    context_object_name = "release"

    def get_queryset(self):
        return Release.objects.live().select_related("office").prefetch_related("tags")

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        canonical = self.object.get_absolute_url()
        if request.path != canonical:
            # The publish date was corrected after links went out: send readers on.
            return redirect(canonical, permanent=True)
        return self.render_to_response(self.get_context_data(object=self.object))
