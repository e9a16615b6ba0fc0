"""The workflow's states, as names the code compares; labels are for people only.

A release stores one of five statuses. Editors think in seven states: publishing splits into
scheduled, live and expired by the clock (articles/visibility.py says how). Code, audit entries
and tests use the values; renaming a label changes what people read, never what they may do.
Deleted is a status like the others: a deleted release keeps its history, audit trail,
corrections and tags, is shown nowhere, and only an Administrator can bring it back.
"""

from django.db import models


class Status(models.TextChoices):
    """What is stored on a release (its `status` column)."""

    DRAFT = "draft", "Draft"
    IN_REVIEW = "review", "In review"
    PUBLISHED = "published", "Published"
    WITHDRAWN = "withdrawn", "Withdrawn"
    DELETED = "deleted", "Deleted"


class State(models.TextChoices):
    """Where a release is in its life at a given moment: its status, with publishing split by
    the clock."""

    DRAFT = "draft", "Draft"
    IN_REVIEW = "review", "In review"
    SCHEDULED = "scheduled", "Scheduled"
    LIVE = "live", "Live"
    EXPIRED = "expired", "Expired"
    WITHDRAWN = "withdrawn", "Withdrawn"
    DELETED = "deleted", "Deleted"


# Taken down: a release in these states is shown to nobody outside the admin, not even through
# a reviewer's share link or a press contact's embargoed copy.
TAKEN_DOWN = frozenset({State.WITHDRAWN, State.EXPIRED, State.DELETED})

# The states a stored status means by itself, whatever the time.
STATE_OF_STATUS = {
    Status.DRAFT: State.DRAFT,
    Status.IN_REVIEW: State.IN_REVIEW,
    Status.WITHDRAWN: State.WITHDRAWN,
    Status.DELETED: State.DELETED,
}
