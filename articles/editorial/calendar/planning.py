"""Opening a planned item: its draft release, made once, with the plan's title and office.

The planned time stays on the plan, linked to the release, and is shown on the release page
(where it fills in the Schedule step's time). It is never written to the release's publish
time: that field changes only through the workflow's steps (WORKFLOW_FIELDS), and a publish
time on a draft would show in the release list as if the draft had a date."""

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from articles.editorial.workflow import save_with_revision
from articles.errors import WorkflowError
from articles.models import AuditEntry, Office, PlannedItem, Release

ADD_PERMISSION = "articles.add_release"


def open_draft(item, user):
    """The draft release of planned `item`, made now unless it has one: opening twice, or
    two people at once, gives one draft. WorkflowError if `user` may not write releases."""
    if not user.has_perm(ADD_PERMISSION):
        raise WorkflowError("You do not have permission to write releases.")
    with transaction.atomic():
        item = PlannedItem.objects.select_for_update().select_related("owner").get(pk=item.pk)
        if item.release_id is not None:
            return item.release, False
        office = item.office or Office.default()
        if office is None:
            raise WorkflowError("Choose the plan's office first: there is no default office.")
        release = Release(title=item.title, office=office, created_by=user, updated_by=user)
        save_with_revision(release, user, "Opened from the planning calendar")
        item.release = release
        item.save(update_fields=["release"])
        when = date_format(timezone.localtime(item.at), "D j M Y, H:i T")
        AuditEntry.objects.record(
            release, user, "Opened from a plan", f"Planned for {when}, with {item.owner}."
        )
    return release, True
