"""Readers' alerts: at the minute of release, one delivery row per subscriber who gets it."""

from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from articles.models import Release
from subscriptions.readers.models import Alert, Delivery, Subscriber
from subscriptions.sending.mail import AlertMail

Status = Delivery.Status
# A member of a family in these states will not come: its readers are not kept waiting for it.
WILL_NOT_COME = [Release.Status.WITHDRAWN, Release.Status.DELETED]


def audience(release):
    """Who gets `release`'s alert, as a query on subscribers: the one rule for which reader
    gets which edition of a piece of news.

    A family (an original and its editions in other languages, articles/models/editions.py)
    is one piece of news, and each reader gets it once, in their language where it has one:

    - Readers who want it: of every release, or of a topic any member of the family carries
      that is not withdrawn or deleted (an edition may be tagged in its own words).
    - Readers of the release's language get its alert.
    - Readers of another language get the *original's* alert when the family has no edition
      in their language that may still come; while it has one that is not withdrawn or
      deleted, in any other state (a draft, in review, scheduled), they wait for that
      edition's alert and get nothing now. An edition's alert reaches its language only.
    - Nobody gets a second alert of one family: a reader with a delivery of another member's
      alert (one not cancelled) gets nothing, e.g. the original's readers of Spanish when the
      Spanish edition was added after the original went out.

    So an edition withdrawn after the original's minute leaves its readers without this
    news, unless it is published again (its own alert then reaches them); withdrawn before the
    original's minute, it no longer holds them back, and they get the original's.
    """
    family = release.family().order_by()
    coming = family.exclude(status__in=WILL_NOT_COME)
    theirs = Q(language=release.language)
    if release.original_id is None:
        theirs |= ~Q(language__in=coming.values("language"))
    # By the family's alerts' ids: the deliveries' (alert, subscriber) index finds their rows.
    family_alerts = Alert.objects.filter(release__in=family.values("pk")).values("pk")
    had_one = Delivery.objects.filter(
        subscriber_id=OuterRef("pk"), alert_id__in=family_alerts
    ).exclude(status=Status.CANCELLED)
    return Subscriber.objects.wanting(coming).filter(theirs).filter(~Exists(had_one))


def fan_out(alert):
    """Make the alert's delivery rows, one per subscriber who gets it (`audience`), in one
    INSERT … SELECT; running it again adds nobody twice."""
    wanting = audience(alert.release).order_by().values(wanted_id=F("pk"))
    select, params = wanting.query.sql_with_params()
    now = timezone.now()
    # "WHERE 1 = 1" keeps SQLite from reading ON CONFLICT as part of the FROM clause.
    sql = f"""
        INSERT INTO {Delivery._meta.db_table} (alert_id, subscriber_id, status, attempts,
                                               next_attempt_at, claimed_by, last_error)
        SELECT %s, wanting.wanted_id, %s, 0, %s, '', '' FROM ({select}) wanting WHERE 1 = 1
        ON CONFLICT DO NOTHING
    """  # noqa: S608 (the table name comes from the model; values are parameters)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [alert.pk, Status.QUEUED, now, *params])
        recipients = alert.deliveries.count()
        Alert.objects.filter(pk=alert.pk).update(recipients=recipients, fanned_out_at=now)
    return recipients


class AlertOutbox:
    """Delivery rows: sent while the release is live, to subscribers who have not left."""

    model = Delivery
    group_field = "alert_id"
    recipient_field = "subscriber"
    recipient_state_field = "subscriber__unsubscribed_at"
    recipient_version = "subscriber__link_version"  # in the manage and unsubscribe links

    def __init__(self):
        self.mails = {}
        # Each alert's release version as last read (wanted() reads it at every claim and
        # recheck): a mail made from an older version is made again, so a correction during
        # a long send reaches the rest of the list.
        self.versions = {}

    @staticmethod
    def recipient_ok(unsubscribed_at):
        return unsubscribed_at is None

    def wanted(self, alert_ids, now):
        live = Release.objects.live(now)
        rows = dict(
            Alert.objects.filter(pk__in=alert_ids, release__in=live).values_list(
                "pk", "release__lock_version"
            )
        )
        self.versions.update(rows)
        return set(rows)

    def mail(self, alert_id):
        made = self.mails.get(alert_id)
        if made is None or made.version < self.versions.get(alert_id, 0):
            if len(self.mails) > 20:
                self.mails.clear()
            release = Release.objects.select_related("office").get(alert__pk=alert_id)
            made = self.mails[alert_id] = AlertMail(release)
        return made

    @staticmethod
    def refused_for_good(subscriber_id, gave_up, now):
        people = Subscriber.objects.filter(pk=subscriber_id)
        people.update(permanent_failures=F("permanent_failures") + 1)
        if gave_up:
            people.update(undeliverable_at=now)
