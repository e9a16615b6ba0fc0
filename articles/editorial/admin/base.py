"""What the admin views around one release share: their addresses, the release page's context,
and one way to run a workflow action and report the outcome.

Each concern (steps, sharing, revisions) is a mixin that adds its own addresses with
`release_urls()` and its own part of the release page with `release_page_context()`.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse

from articles.errors import WorkflowError
from articles.models import Release


class ReleaseViewsBase:
    change_form_template = "admin/articles/release/change_form.html"

    def get_urls(self):
        return [*self.release_urls(), *super().get_urls()]

    def release_urls(self):
        """[path(...)] for this concern's views; each mixin adds its own and calls super()."""
        return []

    def release_route(self, pattern, view, name):
        return path(pattern, self.admin_site.admin_view(view), name=f"articles_release_{name}")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        release = self.get_object(request, object_id)
        if release is not None:
            extra_context = {
                **(extra_context or {}),
                **self.release_page_context(request, release),
            }
        return super().change_view(request, object_id, form_url, extra_context)

    def release_page_context(self, request, release):
        """What the release page shows around the form; each mixin adds its part."""
        return {"time_zone": settings.TIME_ZONE}

    def release_or_404(self, request, pk):
        release = get_object_or_404(Release, pk=pk)
        # Seeing the release is enough here; each step checks its own permission.
        if not self.has_view_or_change_permission(request, release):
            raise PermissionDenied
        return release

    def back_to(self, release):
        return redirect(reverse("admin:articles_release_change", args=[release.pk]))

    def require_post(self, request):
        if request.method != "POST":
            raise Http404("Use the buttons on the release page.")

    def attempt(self, request, permission, action, *args, **kwargs):
        """Run a workflow action: (True, its result), or (False, None) if it was refused.
        Refused for want of `permission`: 403. Refused by the rules (the wrong state, a bad
        time): the reason, as a message on the release page."""
        try:
            return True, action(*args, **kwargs)
        except WorkflowError as error:
            if not request.user.has_perm(permission):
                raise PermissionDenied(str(error)) from None
            self.message_user(request, str(error), messages.ERROR)
            return False, None
