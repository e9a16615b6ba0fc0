"""A press contact's personal link to a release under embargo (its rules are in
subscriptions/press/embargo.py)."""

from django.http import Http404
from django.shortcuts import redirect

from articles.public.previews import render_preview
from articles.states import State
from subscriptions.press import embargo


def embargoed(request, token):
    """A press contact's personal link: the release as it will appear, until its minute; the
    public page after it; nothing once it is withdrawn."""
    delivery = embargo.delivery_for(token)
    if delivery is None:
        raise Http404("No such link.")
    release = delivery.mailing.release
    if release.state == State.LIVE:
        return redirect(release.get_absolute_url())
    if release.state != State.SCHEDULED:
        raise Http404("This release is not available.")
    return render_preview(request, release)
