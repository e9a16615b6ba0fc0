"""The newsroom's models, one module per concern; import them from here.

The visibility rule lives in articles/visibility.py and the workflow states in
articles/states.py; these modules hold models and their querysets only.
"""

from articles.models.changes import PublicChange, PublicChangeCounter
from articles.models.clearance import (
    ClearanceReminder,
    ClearanceRoute,
    FactCheck,
    RequiredSignOff,
    SignOff,
)
from articles.models.offices import Office, SocialLink

# new_image_key and new_preview_token are named by migrations from here.
from articles.models.photos import Image, new_image_key
from articles.models.planning import CalendarFeed, PlannedItem
from articles.models.records import (
    AuditEntry,
    Correction,
    PreviewLink,
    ReleaseNumberCounter,
    TimerRun,
    new_preview_token,
)
from articles.models.redirects import Redirect
from articles.models.releases import Release
from articles.models.topics import TopicDescription

__all__ = [
    "AuditEntry",
    "CalendarFeed",
    "ClearanceReminder",
    "ClearanceRoute",
    "Correction",
    "FactCheck",
    "Image",
    "Office",
    "PlannedItem",
    "PreviewLink",
    "PublicChange",
    "PublicChangeCounter",
    "Redirect",
    "Release",
    "ReleaseNumberCounter",
    "RequiredSignOff",
    "SignOff",
    "SocialLink",
    "TimerRun",
    "TopicDescription",
    "new_image_key",
    "new_preview_token",
]
