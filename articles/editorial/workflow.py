"""Moving a release through its life: review, publication, scheduling, withdrawal, corrections;
who may take each step, and the audit trail each step leaves.

Every step checks the user's permission and the release's state, saves a revision, and writes
an audit entry, in one transaction. The admin, management commands and tests all come here.
"""

from dataclasses import dataclass

import reversion
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from articles import moves
from articles.editorial import clearance, clearance_notices
from articles.errors import WorkflowError
from articles.models import AuditEntry, Correction, Release, ReleaseNumberCounter, SignOff
from articles.models.releases import FURTHEST_AHEAD
from articles.pagecache import invalidation
from articles.roles import CLEAR_PERMISSION, DELETE_PERMISSION, EDIT_PERMISSION, PUBLISH_PERMISSION
from articles.signals import release_corrected, release_stepped, release_went_live
from articles.states import State, Status

# Changed only through workflow steps; a form that posts them is forged.
WORKFLOW_FIELDS = {"status", "publish_at", "release_number"}
# Publication settings only publishers may change, in the form or by restoring a revision.
PUBLISHER_FIELDS = {"expire_at", "featured", "send_alert"}


@dataclass(frozen=True)
class Step:
    name: str
    label: str
    permission: str
    from_states: frozenset
    to_status: str


_UNPUBLISHED = frozenset({State.DRAFT, State.IN_REVIEW, State.SCHEDULED, State.WITHDRAWN})
# The whole state machine: which step leads from which states to which stored status, and who
# may take it. Labels are what the buttons say; nothing compares them.
STEPS = {
    step.name: step
    for step in [
        Step("submit", "Submit for review", EDIT_PERMISSION, frozenset({State.DRAFT}),
             Status.IN_REVIEW),
        Step("publish", "Publish now", PUBLISH_PERMISSION, _UNPUBLISHED, Status.PUBLISHED),
        Step("schedule", "Schedule", PUBLISH_PERMISSION, _UNPUBLISHED, Status.PUBLISHED),
        Step("withdraw", "Withdraw", PUBLISH_PERMISSION,
             frozenset({State.LIVE, State.SCHEDULED, State.EXPIRED}), Status.WITHDRAWN),
        Step("return_to_draft", "Return to draft", EDIT_PERMISSION,
             frozenset({State.IN_REVIEW, State.WITHDRAWN}), Status.DRAFT),
        # A reviewer's answer that sends the release back to its writer (clearance.py).
        Step("request_changes", "Request changes", CLEAR_PERMISSION,
             frozenset({State.IN_REVIEW}), Status.DRAFT),
        # Deleting keeps the record (history, audit trail, corrections, tags) and hides the
        # release everywhere; recovering brings it back as a draft, never live.
        Step("delete", "Delete", DELETE_PERMISSION, frozenset(State) - {State.DELETED},
             Status.DELETED),
        Step("recover", "Recover as a draft", DELETE_PERMISSION, frozenset({State.DELETED}),
             Status.DRAFT),
    ]
}  # fmt: skip


# Asked for from the clearance panel, which says for which sign-off; not a plain button.
_ANSWERS = {"request_changes"}


def available_steps(release, user):
    """The steps this user may take on this release now, in display order."""
    return [
        step
        for step in STEPS.values()
        if step.name not in _ANSWERS
        and release.state in step.from_states
        and _may(user, step, release)
    ]


def _may(user, step, release):
    if not user.has_perm(step.permission):
        return False
    if step.name == "return_to_draft" and release.status == Status.WITHDRAWN:
        return user.has_perm(PUBLISH_PERMISSION)  # it undoes a publisher's decision
    return True


def changed_since(release):
    """Who changed `release` last and when, for telling someone their copy is out of date."""
    who = release.updated_by.get_username() if release.updated_by else "someone"
    when = date_format(timezone.localtime(release.updated), "D j M Y, H:i T")
    return f"{who} saved this release at {when}, after you opened it."


def _locked(release, seen_version):
    """The release's row, locked until the transaction ends; WorkflowError if it changed since
    the person acting saw version `seen_version` (None: a command or script, no check)."""
    current = Release.objects.select_for_update(of=("self",)).select_related("updated_by")
    current = current.get(pk=release.pk)
    if seen_version is not None and seen_version != current.lock_version:
        raise WorkflowError(
            f"{changed_since(current)} Nothing was done: read the new version, then try again."
        )
    return current


def take_step(
    release, step_name, user, *, note="", when=None, seen_version=None, published_at=None,
    sign_off=None, emergency_reason="",
):  # fmt: skip
    """Move `release` by one workflow step, or raise WorkflowError and change nothing.

    `seen_version` is the lock version the person saw: a step is never taken on text they
    have not seen (a publisher publishing what a writer changed a minute ago).

    Publish and Schedule need the release cleared (clearance.py) on its current text, unless
    `emergency_reason` is given by someone allowed to publish before clearance is complete.
    Request changes answers for `sign_off` (a RequiredSignOff; None where no route applies).

    `published_at` (publish only; commands, never the admin's buttons) records a publication
    that happened before this office kept its releases here: an archive's release, imported
    or seeded, is published at that past time, numbered in that year, and counts as gone live
    then, so no alert goes out for old news."""
    step = STEPS.get(step_name)
    if step is None:
        raise WorkflowError(f"Unknown step “{step_name}”.")
    if published_at is not None:
        if step.name != "publish":
            raise WorkflowError("Only publishing takes a past publication time.")
        if published_at > timezone.now():
            raise WorkflowError("A past publication time cannot be in the future: schedule it.")
        shown = date_format(timezone.localtime(published_at), "D j M Y, H:i T")
        note = f"Published {shown}, recorded afterwards. {note}"
    with transaction.atomic():
        release = _locked(release, seen_version)
        from_state = release.state
        if not _may(user, step, release):
            raise WorkflowError(f"You do not have permission to {step.label.lower()}.")
        if from_state not in step.from_states:
            hint = " Change or clear its expiry time first." if from_state == State.EXPIRED else ""
            raise WorkflowError(
                f"A release that is {from_state.label.lower()} cannot be: {step.label}.{hint}"
            )

        answer = None
        _check_family(release, step)
        if step.name == "request_changes":
            if not note.strip():
                raise WorkflowError("Say what needs to change: the writer reads your note.")
            answer = clearance.check_answer(release, user, sign_off)
        if missing := _missing_for_publication(release, step, published_at):
            note = _emergency(release, user, emergency_reason, note, missing)

        now = timezone.now()
        previous_publish_at = release.publish_at
        if step.name == "schedule":
            if when is None or when <= now:
                raise WorkflowError("Choose a publish time in the future to schedule.")
            if when > now + FURTHEST_AHEAD:
                raise WorkflowError("Choose a publish time within the next ten years.")
            release.publish_at = when
        elif step.name == "publish":
            release.publish_at = published_at or now
        if step.to_status == Status.PUBLISHED:
            if release.expire_at and release.expire_at <= release.publish_at:
                raise WorkflowError(
                    "The expiry time is not after the publish time; change it first."
                )
            release.went_live_at = None  # the going-live steps run again for this publication
            _assign_release_number(release)
            _claim_slug(release, now)
        if step.to_status in {Status.WITHDRAWN, Status.DELETED}:
            release.preview_links.end(now)  # a withdrawal or deletion ends every share link
            release.fact_checks.end(now)  # and every outside fact-checker's link
        if step.name == "submit":
            release.review_started_at = now  # clearance's first stage opens now
        if step.name == "recover":
            release.publish_at = None  # its old time comes back only by publishing again
            release.went_live_at = None
        release.status = step.to_status
        release.updated_by = user
        if step.name == "request_changes":  # on the version the reviewer read
            clearance.record(release, user, answer, SignOff.Decision.CHANGES, note)
        save_with_revision(release, user, step.label)
        AuditEntry.objects.record(release, user, step.label, note, from_state=from_state)
        if step.name == "submit":
            clearance_notices.stage_opened(release)
        if published_at is not None:
            _gone_live_before(release, published_at)
        elif release.state == State.LIVE:
            _go_live(release, now)
        transaction.on_commit(
            lambda: release_stepped.send(
                Release, release=release, step=step.name, user=user, from_state=from_state,
                previous_publish_at=previous_publish_at,
            )
        )  # fmt: skip
    return release


def _check_family(release, step):
    """An original goes after its editions, and comes back before them: an edition is never
    left translating a deleted release."""
    if step.name == "delete" and release.original_id is None:
        editions = release.editions.exclude(status=Status.DELETED)
        if editions.exists():
            raise WorkflowError(
                "This release has editions in other languages: delete them first, or keep it."
            )
    if step.name == "recover" and release.original_id is not None:
        original = Release.objects.only("status").get(pk=release.original_id)
        if original.status == Status.DELETED:
            raise WorkflowError("Its original is deleted: recover the original first.")


def _missing_for_publication(release, step, published_at):
    """The sign-offs a publication still lacks (it may go out only in an emergency). A past
    publication recorded afterwards (published_at) is a record of what happened, not a
    decision: it needs none."""
    if step.to_status != Status.PUBLISHED or published_at is not None:
        return []
    release.published_without_clearance = False
    return clearance.missing(release)


def _emergency(release, user, reason, note, missing):
    if not reason.strip():
        raise WorkflowError(clearance.missing_sentence(missing))
    if not clearance.may_publish_uncleared(user, release):
        raise WorkflowError(
            f"{clearance.missing_sentence(missing)} Only an Administrator, or a Publisher where "
            "the route allows it, may publish before clearance is complete."
        )
    release.published_without_clearance = True
    still_open = ", ".join(place.name for place in missing)
    return f"Published without full clearance: {reason.strip()} Still open: {still_open}. {note}"


def clear(release, user, sign_off=None, *, note="", seen_version=None):
    """Give `sign_off` (None: the second reader's, where no route applies) on the release's
    current text. The state does not change: publishing is a Publisher's step."""
    with transaction.atomic():
        release = _locked(release, seen_version)
        place = clearance.check_answer(release, user, sign_off)
        given = clearance.record(release, user, place, SignOff.Decision.CLEARED, note)
        clearance_notices.stage_opened(release, after_stage=place.stage)  # the next, if complete
        return given


def publish_due(now=None):
    """Run the going-live steps of every release whose minute has come, exactly once each.

    Safe to run concurrently: a compare-and-set on went_live_at picks one winner per release.
    Expired releases are not revived; they are simply never due.
    """
    now = now or timezone.now()
    done = []
    for pk in _due_ids(now):
        with transaction.atomic():
            # The claim repeats the live rule: a release withdrawn since it was listed stays down.
            unclaimed = Release.objects.live(now).filter(pk=pk, went_live_at__isnull=True)
            if not unclaimed.update(went_live_at=now):
                continue  # another run got there first, or it is no longer live
            release = Release.objects.get(pk=pk)
            if _assign_release_number(release):
                Release.objects.filter(pk=release.pk).update(release_number=release.release_number)
            AuditEntry.objects.record(
                release, None, "Went live", from_state=State.SCHEDULED, to_state=State.LIVE
            )
            invalidation.went_live(release)
            transaction.on_commit(lambda r=release: release_went_live.send(Release, release=r))
        done.append(release)
    return done


def _due_ids(now):
    return list(
        Release.objects.live(now)
        .filter(went_live_at__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _go_live(release, now):
    """Publishing now: the going-live steps happen at once instead of at the next publish_due."""
    Release.objects.filter(pk=release.pk).update(went_live_at=now)
    release.went_live_at = now
    transaction.on_commit(lambda: release_went_live.send(Release, release=release))


def _gone_live_before(release, published_at):
    """A publication in the past went live then: publish_due has nothing left to do for it,
    and release_went_live is not sent (its alert would be news of something long public)."""
    Release.objects.filter(pk=release.pk).update(went_live_at=published_at)
    release.went_live_at = published_at


def _claim_slug(release, now):
    """A release going public takes its headline's slug from a release that is not live, so
    its address never hints at a hidden one; the hidden one moves aside (if it was once public,
    its old address redirects to it, and answers 404 like it until it is live again). A live
    holder keeps its slug, and this one its random suffix."""
    if not release.has_slug_variant():
        return
    base = release.base_slug()
    holder = Release.objects.select_for_update().filter(slug=base).exclude(pk=release.pk).first()
    if holder is not None:
        if holder.is_live_at(now):
            return
        # Every release counts, the holder too: it must leave `base` for this one.
        before = moves.stored_address(holder.pk)
        holder.slug = Release.objects.unused_slug(base)
        Release.objects.filter(pk=holder.pk).update(slug=holder.slug)
        moves.moved(holder, before)  # a withdrawn holder's old readers still find it
    release.slug = base


def _assign_release_number(release):
    """Give a press release its number on first publication: "No. 7-26", never reused. A
    family shares one: the first member numbered takes a new one, the others take it."""
    if release.kind != Release.Kind.PRESS_RELEASE or release.release_number:
        return False
    if shared := _family_number(release):
        release.release_number = shared
        return True
    year = timezone.localtime(release.publish_at or timezone.now()).year
    ReleaseNumberCounter.objects.get_or_create(year=year)
    counter = ReleaseNumberCounter.objects.select_for_update().get(year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    release.release_number = f"No. {counter.last_number}-{year % 100:02d}"
    return True


def _family_number(release):
    """The number another member of the release's family has, if any."""
    if release.original_id is not None:
        # The original's row is locked (an original's own is already): two members numbered
        # at once wait for each other, and the second takes the first one's number.
        original = Release.objects.select_for_update().filter(pk=release.original_id)
        list(original.values_list("pk", flat=True))
    numbered = release.family().exclude(pk=release.pk).exclude(release_number="")
    return numbered.values_list("release_number", flat=True).first()


def add_correction(release, user, text, *, seen_version=None):
    """A dated public correction on a published release; its "updated" time moves on.

    The row is read again under a lock, so a concurrent edit is never saved over."""
    if not user.has_perm(PUBLISH_PERMISSION):
        raise WorkflowError("You do not have permission to correct releases.")
    text = text.strip()
    if not text:
        raise WorkflowError("Write the correction first.")
    with transaction.atomic():
        release = _locked(release, seen_version)
        if release.status != Status.PUBLISHED:
            raise WorkflowError("Only a published release can carry a correction.")
        correction = Correction.objects.create(release=release, text=text, created_by=user)
        release.updated_by = user
        save_with_revision(release, user, "Correction added")
        AuditEntry.objects.record(release, user, "Correction added", text)
        told = {"release": release, "correction": correction}
        transaction.on_commit(lambda: release_corrected.send(Release, **told))
    return correction


def save_with_revision(release, user, comment):
    """Save a release and keep the result as a restorable revision."""
    with reversion.create_revision():
        release.save()
        reversion.set_user(user)
        reversion.set_comment(comment)
