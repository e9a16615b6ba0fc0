"""The press corps: a scheduled release sent to press lists under embargo, before its minute,
and the notices that follow it automatically when it moves or is withdrawn before then.

Every mailing is an audit entry on the release (who sent what to which lists, and when), and
each contact's copy is a PressDelivery row sent by the worker like any alert.
"""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from articles.editorial.workflow import PUBLISH_PERMISSION, WorkflowError, audit
from articles.models import Release
from articles.states import State
from subscriptions import mail
from subscriptions.models import PressContact, PressDelivery, PressMailing
from subscriptions.tokens import sign_id, signed_id

Kind = PressMailing.Kind
_SHARE_SALT = "subscriptions.press"


def office_time(moment):
    """“9:00 a.m. EST Thu, Nov 26, 2026”: office time, always with its zone."""
    return date_format(timezone.localtime(moment), "g:i a T D, M j, Y")


def send_under_embargo(release, lists, user, send_at=None):
    """Queue the release's embargoed copy to every active contact on `lists`, at `send_at`
    (now if empty), which must come before the release's minute. Returns the mailing."""
    if not user.has_perm(PUBLISH_PERMISSION):
        raise WorkflowError("You do not have permission to send releases to the press.")
    send_at, contacts = check_embargo(release, lists, send_at)
    with transaction.atomic():
        mailing = PressMailing.objects.create(
            release=release, kind=Kind.EMBARGO, embargo_until=release.publish_at,
            send_at=send_at, created_by=user,
        )  # fmt: skip
        mailing.lists.set(lists)
        count = _queue(mailing, contacts)
        names = ", ".join(str(press_list) for press_list in lists)
        audit(release, user, "Sent to the press under embargo", release.state, release.state,
              f"To {names} ({count} contacts), sending {office_time(send_at)}; embargoed "
              f"until {office_time(release.publish_at)}.")  # fmt: skip
    return mailing


def check_embargo(release, lists, send_at=None):
    """(sending time, contacts) for an embargoed copy, or WorkflowError saying what is wrong."""
    now = timezone.now()
    send_at = max(send_at or now, now)
    if release.state != State.SCHEDULED:
        raise WorkflowError("Only a scheduled release can go to the press under embargo.")
    if send_at >= release.publish_at:
        raise WorkflowError(
            f"Choose a sending time before the embargo lifts ({office_time(release.publish_at)})."
        )
    contacts = PressContact.objects.filter(lists__in=lists, active=True).distinct()
    if not contacts.exists():
        raise WorkflowError("Those lists have no active contacts.")
    return send_at, contacts


def _queue(mailing, contacts):
    rows = [PressDelivery(mailing=mailing, contact=contact, next_attempt_at=mailing.send_at)
            for contact in contacts]  # fmt: skip
    PressDelivery.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def after_step(sender, release, step, user, from_state, previous_publish_at, **kwargs):
    """release_stepped's receiver: a release that had gone to the press moves or comes down
    before its minute, and everyone who got it is told."""
    if from_state != State.SCHEDULED:
        return
    embargoes = PressMailing.objects.filter(release=release, kind=Kind.EMBARGO)
    if step == "schedule":
        if release.publish_at == previous_publish_at:
            return
        embargoes.update(embargo_until=release.publish_at)  # copies not sent yet say the new time
        kind = Kind.MOVED
    elif step == "publish":
        kind = Kind.MOVED  # lifted early: it is public now
    elif step in {"withdraw", "delete"}:
        kind = Kind.WITHDRAWN
    else:
        return
    told = PressContact.objects.filter(
        deliveries__mailing__in=embargoes, deliveries__status=PressDelivery.Status.SENT
    ).distinct()
    if not told.exists():
        return
    with transaction.atomic():
        notice = PressMailing.objects.create(
            release=release, kind=kind, embargo_until=release.publish_at, created_by=user
        )
        count = _queue(notice, told)
        what = (f"embargo moved to {office_time(release.publish_at)}" if kind == Kind.MOVED
                else "withdrawn, do not publish")  # fmt: skip
        audit(release, user, f"Press told: {notice.get_kind_display()}", release.state,
              release.state, f"{count} contacts who had the embargoed copy: {what}.")  # fmt: skip


def share_token(delivery_pk):
    return sign_id(delivery_pk, _SHARE_SALT)


def delivery_for(token):
    return (
        PressDelivery.objects.filter(pk=signed_id(token, _SHARE_SALT), mailing__kind=Kind.EMBARGO)
        .select_related("mailing__release", "contact")
        .first()
    )


class PressMail:
    """One press mailing's message, made for each contact (the lists are short)."""

    def __init__(self, mailing):
        self.mailing = mailing

    def message(self, row):
        mailing = self.mailing
        release = Release.objects.select_related("office").get(pk=mailing.release_id)
        until = office_time(mailing.embargo_until or release.publish_at)
        if mailing.kind == Kind.EMBARGO:
            subject = f"EMBARGOED UNTIL {until}: {release.title}"
            link = mail.absolute(reverse("subscriptions:embargoed", args=[share_token(row.pk)]))
        elif mailing.kind == Kind.MOVED:
            lifted = release.state == State.LIVE
            subject = (f"EMBARGO LIFTED: {release.title}" if lifted
                       else f"EMBARGO MOVED to {until}: {release.title}")  # fmt: skip
            link = mail.absolute(release.get_absolute_url()) if lifted else None
        else:
            subject, link = f"WITHDRAWN, DO NOT PUBLISH: {release.title}", None
        context = {
            "site_name": settings.SITE_NAME, "release": release, "mailing": mailing,
            "until": until, "link": link, "kind": mailing.kind,
            "paragraphs": mail.paragraphs(release) if mailing.kind == Kind.EMBARGO else [],
            "dateline": mail.dateline_text(release),
        }  # fmt: skip
        text, html = mail.render("press", context)
        headers = {"Message-ID": f"<press-{mailing.pk}-{row.recipient}@{mail.mail_domain()}>"}
        return mail.make_message(subject, text, html, row.email, headers)


class PressOutbox:
    """PressDelivery rows: an embargoed copy goes only while the release is still scheduled, to
    contacts still active; a notice always goes."""

    model = PressDelivery
    group_field = "mailing_id"
    recipient_field = "contact"
    recipient_state_field = "contact__active"

    @staticmethod
    def recipient_ok(active):
        return True  # a contact made inactive after the embargoed copy must still hear of a change

    @staticmethod
    def wanted(mailing_ids, now):
        scheduled = Release.objects.in_state(State.SCHEDULED, now)
        embargoes = PressMailing.objects.filter(pk__in=mailing_ids, kind=Kind.EMBARGO)
        notices = PressMailing.objects.filter(pk__in=mailing_ids).exclude(kind=Kind.EMBARGO)
        return {
            *embargoes.filter(release__in=scheduled).values_list("pk", flat=True),
            *notices.values_list("pk", flat=True),
        }

    @staticmethod
    def mail(mailing_id):
        return PressMail(PressMailing.objects.get(pk=mailing_id))

    @staticmethod
    def refused_for_good(contact_id, gave_up, now):
        """A press address that refuses for good is the Publisher's to fix; nothing automatic."""
