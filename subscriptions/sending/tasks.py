"""Work the web request hands to the queue (django-tasks, database backend; design rule 11).

The worker is `manage.py deliver` (subscriptions/sending/worker.py). Tasks take ids, never addresses
or tokens, so the queue's table holds nothing a reader could use.
"""

from django.contrib.auth import get_user_model
from django.core.mail import get_connection
from django.db import transaction
from django_tasks import task

from articles.models import Release
from subscriptions.readers import alerts, tokens
from subscriptions.readers.models import Alert, Subscriber
from subscriptions.sending import mail


@task()
def fan_out(alert_id):
    alert = Alert.objects.filter(pk=alert_id).first()
    return alerts.fan_out(alert) if alert else 0


@task()
def answer_subscriber(subscriber_id):
    """The one mail a subscribe form sends: the confirmation link, or, to an address that is
    already subscribed, a note with its manage link (nothing about it changes)."""
    subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    if subscriber is None or subscriber.unsubscribed_at or subscriber.undeliverable_at:
        return
    if subscriber.confirmed_at:
        message = mail.already_subscribed(subscriber)
    else:
        message = mail.confirmation(subscriber, tokens.new_confirmation(subscriber))
    get_connection(fail_silently=False).send_messages([message])


@task()
def send_test_alert(release_id, user_id):
    """A test alert to the staff member who asked for it, at their address as it is now."""
    if not isinstance(user_id, int):  # queued by an older version, with an address: dropped
        return
    release = Release.objects.filter(pk=release_id).first()
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if release is not None and user is not None and user.email:
        message = mail.AlertMail(release).to(None, user.email, test=True)
        get_connection(fail_silently=False).send_messages([message])


def queue_alert(sender, release, **kwargs):
    """release_went_live's receiver: queue the release's alert, once, unless a Publisher
    unticked "send alert". Only ids go on the queue; the worker does the rest."""
    if not release.send_alert:
        return
    with transaction.atomic():
        alert, created = Alert.objects.get_or_create(release=release)
        if created:
            fan_out.enqueue(alert.pk)
