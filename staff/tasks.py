"""What staff sign-in hands to the queue (django-tasks; `manage.py deliver` runs it): telling a
person by mail that a second factor was added to their account. Tasks take the security
event's id; the worker reads the rest."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.utils import timezone
from django_tasks import task

from staff.models import SecurityEvent


@task()
def tell_owner_factor_added(event_id):
    event = SecurityEvent.objects.select_related("user").filter(pk=event_id).first()
    if event is None or event.user is None or not event.user.email:
        return
    context = {
        "site_name": settings.SITE_NAME,
        "username": event.user.get_username(),
        "factor": event.detail,
        "at": timezone.localtime(event.at),
        "address": event.address or "unknown",
    }
    message = EmailMultiAlternatives(
        subject=f"{settings.SITE_NAME}: a second factor was added to your account",
        body=render_to_string("mail/factor_added.txt", context, using="django"),
        to=[event.user.email],
    )
    message.attach_alternative(
        render_to_string("mail/factor_added.html", context, using="django"), "text/html"
    )
    get_connection(fail_silently=False).send_messages([message])
