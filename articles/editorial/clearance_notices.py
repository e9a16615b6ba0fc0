"""Telling reviewers who is waiting for them: a mail when a release reaches their stage, and one
reminder when their sign-off is overdue. The workflow only queues (django-tasks, after its
commit); the worker (`manage.py deliver`) sends, so no request waits for a mail server.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from articles.addresses import site_url
from articles.editorial import clearance
from articles.models import ClearanceReminder, Release
from articles.roles import CLEAR_PERMISSION


def after_text_change(sender, instance, raw=False, **kwargs):
    """post_save receiver: every save that changes the cleared text, whoever makes it (the
    admin, a restored revision, the importer), voids what was cleared before it; where that
    starts clearance again, the first stage's reviewers are told."""
    if raw or not getattr(instance, "text_changed", False):
        return
    if clearance.text_changed(instance, instance.updated_by) and clearance.in_clearance(instance):
        stage_opened(instance)


def stage_opened(release, after_stage=0):
    """After a submit, a sign-off or a reopened review: queue a mail to whoever may now answer
    a sign-off of a stage after `after_stage` (a sign-off that completes stage 1 tells stage
    2; the rest of stage 1 was told when it opened)."""
    waiting = [place.required.pk for place in clearance.standing(release)
               if place.required and place.reached and not place.holds
               and place.stage > after_stage]  # fmt: skip
    if waiting:
        transaction.on_commit(
            lambda: tell_reviewers.enqueue(release.pk, release.text_fingerprint, waiting, False)
        )


def remind_overdue(now=None):
    """Queue one reminder for each overdue sign-off of each release waiting for clearance, once
    per text; returns how many were queued (manage.py clearance_overdue)."""
    now = now or timezone.now()
    queued = 0
    waiting = Release.objects.filter(
        Q(status=Release.Status.IN_REVIEW) | Q(published_without_clearance=True)
    )
    for release in waiting:
        if not clearance.in_clearance(release):
            continue
        overdue = [place.required for place in clearance.standing(release)
                   if place.is_overdue(now)]  # fmt: skip
        fresh = []
        for required in overdue:
            _, created = ClearanceReminder.objects.get_or_create(
                release=release, required=required, fingerprint=release.text_fingerprint
            )
            if created:
                fresh.append(required.pk)
        if fresh:
            tell_reviewers.enqueue(release.pk, release.text_fingerprint, fresh, True)
            queued += len(fresh)
    return queued


def reviewers_for(required, release):
    """Who may give `required` on `release`: its named people and its group's members, active,
    with an address and the permission to clear, never one of the release's writers."""
    named = Q(pk__in=required.people.all())
    members = Q(groups=required.group_id) if required.group_id else Q(pk__in=[])
    people = get_user_model().objects.filter(named | members, is_active=True).exclude(email="")
    return [user for user in people.distinct().exclude(pk__in=clearance.writers(release))
            if user.has_perm(CLEAR_PERMISSION)]  # fmt: skip


@task()
def tell_reviewers(release_id, fingerprint, required_ids, overdue):
    release = Release.objects.filter(pk=release_id).first()
    # The text moved on (an edit voided it) or the release left clearance: nothing to say.
    if release is None or release.text_fingerprint != fingerprint:
        return
    if not clearance.in_clearance(release):
        return
    places = {place.required.pk: place for place in clearance.standing(release) if place.required}
    messages = []
    for required_id in required_ids:
        place = places.get(required_id)
        if place is None or place.holds:
            continue
        for user in reviewers_for(place.required, release):
            messages.append(_message(release, place, user, overdue))
    if messages:
        get_connection(fail_silently=False).send_messages(messages)


def _message(release, place, user, overdue):
    context = {
        "site_name": settings.SITE_NAME,
        "release": release,
        "sign_off": place.name,
        "due_at": place.due_at,
        "overdue": overdue,
        "url": site_url(reverse("admin:articles_release_change", args=[release.pk])),
        "username": user.get_username(),
    }
    what = "Overdue: your clearance of" if overdue else "Waiting for your clearance:"
    message = EmailMultiAlternatives(
        subject=f"{what} {release.title}",
        body=render_to_string("mail/clearance_waiting.txt", context, using="django"),
        to=[user.email],
    )
    message.attach_alternative(
        render_to_string("mail/clearance_waiting.html", context, using="django"), "text/html"
    )
    return message
