"""The workflow's states, as names the code compares; labels are for people only.

A release stores one of four statuses. Editors think in six states: publishing splits into
scheduled, live and expired by the clock (articles/visibility.py says how). Code, audit entries
and tests use the values; renaming a label changes what people read, never what they may do.
"""

from django.db import models


class Status(models.TextChoices):
    """What is stored on a release (its `status` column)."""

    DRAFT = "draft", "Draft"
    IN_REVIEW = "review", "In review"
    PUBLISHED = "published", "Published"
    WITHDRAWN = "withdrawn", "Withdrawn"


class State(models.TextChoices):
    """Where a release is in its life at a given moment: its status, with publishing split by
    the clock."""

    DRAFT = "draft", "Draft"
    IN_REVIEW = "review", "In review"
    SCHEDULED = "scheduled", "Scheduled"
    LIVE = "live", "Live"
    EXPIRED = "expired", "Expired"
    WITHDRAWN = "withdrawn", "Withdrawn"


# The states a stored status means by itself, whatever the time.
STATE_OF_STATUS = {
    Status.DRAFT: State.DRAFT,
    Status.IN_REVIEW: State.IN_REVIEW,
    Status.WITHDRAWN: State.WITHDRAWN,
}
