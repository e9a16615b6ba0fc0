"""Readers' subscription pages. None shows an address, and none is cached (each carries a form).

Links from mail are opened by scanners as well as people, so a GET never changes anything: it
shows a button, and the POST acts.
"""

from django.conf import settings
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from staff.addresses import client_address
from subscriptions.readers import signup, tokens
from subscriptions.readers.forms import ALL, TOPICS, SubscribeForm, TopicsForm, known_language


def _page(request, template, context=None, status=200):
    context = {
        "confirm_hours": settings.SUBSCRIPTION_CONFIRM_HOURS,
        "retention_days": settings.SUBSCRIBER_RETENTION_DAYS,
        "link_days": settings.SUBSCRIPTION_LINK_DAYS,
        **(context or {}),
    }
    response = render(request, f"subscriptions/{template}", context, status=status)
    add_never_cache_headers(response)  # personal pages: no proxy or browser keeps them
    return response


@require_http_methods(["GET", "POST"])
def subscribe(request):
    # A page in another language links here with ?language=<its code>; any other value is
    # ignored, never an error.
    initial = {"language": known_language(request.GET.get("language"))}
    form = SubscribeForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if signup.client_over_limit(client_address(request)):
            return _page(request, "too_many.html", status=429)
        if form.is_valid():
            data = form.cleaned_data
            signup.ask(data["email"], form.all_releases, form.chosen_topics, data["language"])
            return _page(request, "check_inbox.html")
    return _page(request, "subscribe.html", {"form": form})


@require_http_methods(["GET", "POST"])
def confirm(request, token):
    subscriber = tokens.pending_confirmation(token)
    if subscriber is None:
        return _page(request, "link_expired.html", status=404)
    if request.method == "POST":
        signup.confirm(subscriber)
        token = tokens.manage_token(subscriber.pk, subscriber.link_version)
        return _page(request, "confirmed.html", {"manage_token": token})
    return _page(request, "confirm.html")


def _link_expired(request):
    return _page(request, "link_expired.html", {"manage_link": True}, status=404)


@require_http_methods(["GET", "POST"])
def manage(request, token):
    subscriber = tokens.subscriber_for(token)
    if subscriber is None:
        return _link_expired(request)
    if subscriber.unsubscribed_at:
        return _page(request, "unsubscribed.html", {"token": token})
    current = list(subscriber.topics.all())
    initial = {"scope": ALL if subscriber.all_releases else TOPICS, "topics": current,
               "language": subscriber.language}  # fmt: skip
    form = TopicsForm(request.POST or None, initial=initial, keep=current)
    saved = False
    if request.method == "POST" and form.is_valid():
        language = form.cleaned_data["language"]
        signup.change(subscriber, form.all_releases, form.chosen_topics, language)
        saved = True
    return _page(request, "manage.html", {"form": form, "token": token, "saved": saved})


# The token in the address is the credential, and RFC 8058's one-click POST comes from a mail
# client with no cookie or CSRF token to send.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    subscriber = tokens.subscriber_for(token)
    if subscriber is None:
        left = tokens.subscriber_for(token, any_version=True)
        if left is not None and left.unsubscribed_at:  # the click that unsubscribed, repeated
            return _page(request, "unsubscribed.html", {"token": token})
        return _link_expired(request)
    if request.method == "POST":
        signup.unsubscribe(subscriber)
        return _page(request, "unsubscribed.html", {"token": token})
    if subscriber.unsubscribed_at:
        return _page(request, "unsubscribed.html", {"token": token})
    return _page(request, "unsubscribe.html", {"token": token})
