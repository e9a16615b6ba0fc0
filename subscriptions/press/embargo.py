"""The press corps: a scheduled release sent to press lists under embargo, before its minute,
and the notices that follow it automatically when it moves or is withdrawn before then.

Every mailing is an audit entry on the release (who sent what to which lists, and when), and
each contact's copy is a PressDelivery row sent by the worker like any alert.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, IntegerField, Value
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from articles.addresses import site_url
from articles.errors import WorkflowError
from articles.models import AuditEntry, Release
from articles.roles import PUBLISH_PERMISSION
from articles.states import State
from articles.text import dateline_text
from subscriptions.press.models import PressContact, PressDelivery, PressMailing
from subscriptions.readers.tokens import sign_id, signed_id
from subscriptions.sending import mail
from subscriptions.sending.delivery import Unwanted

Kind = PressMailing.Kind
_SHARE_SALT = "subscriptions.press"
# A personal link opens the release until its minute, then the public page, for this long after
# it: long enough to check a story against it, short enough that a forwarded link dies.
LINK_OUTLIVES_EMBARGO = timedelta(days=1)


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
        AuditEntry.objects.record(release, user, "Sent to the press under embargo",
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
    """release_stepped's receiver: the embargoed copies follow the release's minute (or end),
    and a release that had gone to the press moves or comes down before its minute, and
    everyone who got it is told."""
    current = PressMailing.objects.filter(release=release, kind=Kind.EMBARGO, ended_at=None)
    # Fixed now: the same mailings after _end() below, which takes them out of `current`.
    embargoes = PressMailing.objects.filter(pk__in=list(current.values_list("pk", flat=True)))
    if step in {"withdraw", "delete"} or (step == "schedule" and from_state != State.SCHEDULED):
        # Withdrawn, or scheduled anew after that: the old copies and their links are over.
        _end(embargoes)
    elif step == "schedule" and release.publish_at != previous_publish_at:
        embargoes.update(embargo_until=release.publish_at)  # copies not sent yet say the new time
    elif step == "publish":
        _cancel_unsent(embargoes)  # public now: a copy not yet sent has nothing to add
    if from_state != State.SCHEDULED:
        return
    if step == "schedule":
        if release.publish_at == previous_publish_at:
            return
        kind = Kind.MOVED
    elif step == "publish":
        kind = Kind.MOVED  # lifted early: it is public now
    elif step in {"withdraw", "delete"}:
        kind = Kind.WITHDRAWN
    else:
        return
    _tell(release, user, kind, embargoes)


def _end(embargoes):
    with transaction.atomic():
        _cancel_unsent(embargoes)
        embargoes.update(ended_at=timezone.now())


def _cancel_unsent(embargoes):
    PressDelivery.objects.filter(mailing__in=embargoes, status=PressDelivery.Status.QUEUED).update(
        status=PressDelivery.Status.CANCELLED
    )


def _tell(release, user, kind, embargoes):
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
        AuditEntry.objects.record(release, user, f"Press told: {notice.get_kind_display()}",
              f"{count} contacts who had the embargoed copy: {what}.")  # fmt: skip


def is_current(mailing, release, now=None):
    """True while an embargoed copy still tells the truth: the release is scheduled for the
    very minute the copy names, and the mailing was not ended by a withdrawal since."""
    return (
        mailing.ended_at is None
        and release.state_at(now or timezone.now()) == State.SCHEDULED
        and mailing.embargo_until == release.publish_at
    )


def share_token(delivery_pk):
    return sign_id(delivery_pk, _SHARE_SALT)


def delivery_for(token, now=None):
    """The embargoed copy a personal link names, while the link may open: its mailing is still
    the release's embargo (not ended; the same minute while the release is scheduled), its
    contact is active, and the link is younger than the embargo plus LINK_OUTLIVES_EMBARGO.
    None otherwise."""
    now = now or timezone.now()
    found = (
        PressDelivery.objects.filter(
            pk=signed_id(token, _SHARE_SALT),
            mailing__kind=Kind.EMBARGO,
            mailing__ended_at=None,
            contact__active=True,
        )
        .select_related("mailing__release", "contact")
        .first()
    )
    if found is None:
        return None
    mailing, release = found.mailing, found.mailing.release
    lives = mailing.embargo_until - mailing.send_at + LINK_OUTLIVES_EMBARGO
    if signed_id(token, _SHARE_SALT, max_age=lives) is None:
        return None
    if release.state_at(now) == State.SCHEDULED and not is_current(mailing, release, now):
        return None
    return found


class PressMail:
    """One press mailing's message, made for each contact (the lists are short)."""

    def __init__(self, mailing):
        self.mailing = mailing

    def message(self, row):
        mailing = self.mailing
        release = Release.objects.select_related("office").get(pk=mailing.release_id)
        until = office_time(mailing.embargo_until or release.publish_at)
        if mailing.kind == Kind.EMBARGO and not is_current(mailing, release):
            raise Unwanted  # it would name a minute that is no longer the release's
        if mailing.kind == Kind.EMBARGO:
            subject = f"EMBARGOED UNTIL {until}: {release.title}"
            link = site_url(reverse("subscriptions:embargoed", args=[share_token(row.pk)]))
        elif mailing.kind == Kind.MOVED:
            lifted = release.state == State.LIVE
            subject = (f"EMBARGO LIFTED: {release.title}" if lifted
                       else f"EMBARGO MOVED to {until}: {release.title}")  # fmt: skip
            link = site_url(release.get_absolute_url()) if lifted else None
        else:
            subject, link = f"WITHDRAWN, DO NOT PUBLISH: {release.title}", None
        context = {
            "site_name": settings.SITE_NAME, "release": release, "mailing": mailing,
            "until": until, "link": link, "kind": mailing.kind,
            "paragraphs": mail.paragraphs(release) if mailing.kind == Kind.EMBARGO else [],
            "dateline": dateline_text(release),
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
    recipient_version = Value(0, output_field=IntegerField())  # contacts' links name the copy

    @staticmethod
    def recipient_ok(active):
        return True  # a contact made inactive after the embargoed copy must still hear of a change

    @staticmethod
    def wanted(mailing_ids, now):
        """Notices, and embargoed copies that still tell the truth (is_current, in SQL)."""
        scheduled = Release.objects.in_state(State.SCHEDULED, now)
        embargoes = PressMailing.objects.filter(
            pk__in=mailing_ids, kind=Kind.EMBARGO, ended_at=None,
            embargo_until=F("release__publish_at"),
        )  # fmt: skip
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
