"""The security log: every sign-in, failure, lockout, sign-out, password change and change of
rights, written as it happens by signal receivers (connected in apps.py).

Who acted is taken from the request being served (StaffSessionMiddleware sets it), so a change
an Administrator makes to a colleague names both.
"""

from contextvars import ContextVar

from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission

from staff import tasks
from staff.addresses import client_address
from staff.models import SecurityEvent

Kind = SecurityEvent.Kind
# Factors whose addition the owner is told of (recovery codes come with the first of them).
TOLD = {Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN}

# The signed-in person whose request is being served, if any, and that request: events
# recorded by model signals (a factor added or removed) take the address from it.
current_actor = ContextVar("staff_current_actor", default=None)
current_request = ContextVar("staff_current_request", default=None)


def record(kind, *, user=None, username="", request=None, detail=""):
    actor = current_actor.get()
    request = request if request is not None else current_request.get()
    return SecurityEvent.objects.create(
        kind=kind,
        user=user if user is not None and user.pk else None,
        username=username or (user.get_username() if user is not None else ""),
        actor="" if actor is None or actor == user else actor.get_username(),
        address=client_address(request) if request is not None else None,
        detail=detail[:500],
    )


def signed_in(sender, request, user, **kwargs):
    record(Kind.SIGNED_IN, user=user, request=request)


def sign_in_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    known = get_user_model().objects.filter(username=username).first()
    record(Kind.SIGN_IN_FAILED, user=known, username=username, request=request)


def signed_out(sender, request, user, **kwargs):
    if user is not None:
        record(Kind.SIGNED_OUT, user=user, request=request)


WATCHED_FIELDS = {"password", "is_active", "is_staff", "is_superuser"}
VERBS = {"post_add": "added", "post_remove": "removed", "post_clear": "cleared"}


def account_saved(sender, instance, update_fields=None, **kwargs):
    """pre_save on the user model: password and account-status changes (not last_login)."""
    if instance.pk is None or (
        update_fields is not None and not WATCHED_FIELDS & set(update_fields)
    ):
        return
    before = sender.objects.filter(pk=instance.pk).values(*WATCHED_FIELDS).first()
    if before is None:
        return
    if before["password"] != instance.password:
        record(Kind.PASSWORD_CHANGED, user=instance)
    changed = [
        f"{flag} {'on' if getattr(instance, flag) else 'off'}"
        for flag in ("is_active", "is_staff", "is_superuser")
        if before[flag] != getattr(instance, flag)
    ]
    if changed:
        record(Kind.ACCOUNT_CHANGED, user=instance, detail=", ".join(changed))


def rights_changed(sender, instance, action, pk_set, model, **kwargs):
    """m2m_changed on people's groups and permissions, and on a group's permissions."""
    if action not in VERBS:
        return
    verb = VERBS[action]
    User = get_user_model()
    others = list(model.objects.filter(pk__in=pk_set or []))
    if sender is Group.permissions.through and not isinstance(instance, Permission):
        names = ", ".join(sorted(str(p) for p in others))
        record(Kind.PERMISSIONS_CHANGED, username=f"group {instance}", detail=f"{verb}: {names}")
        return
    kind = Kind.ROLES_CHANGED if sender is User.groups.through else Kind.PERMISSIONS_CHANGED
    if isinstance(instance, User):
        names = ", ".join(sorted(str(other) for other in others))
        record(kind, user=instance, detail=f"{verb}: {names}" if names else verb)
    else:  # from the other side: a group or permission given to or taken from people
        for user in others:
            record(kind, user=user, detail=f"{verb}: {instance}")


def factor_added(sender, instance, created, **kwargs):
    """post_save on allauth's Authenticator: a passkey, app or set of recovery codes enrolled.
    The owner is told by mail (from the worker) of a passkey or app."""
    if not created:
        return
    event = record(Kind.FACTOR_ADDED, user=instance.user, detail=instance.get_type_display())
    if instance.type in TOLD and instance.user.email:
        # A row in the same database, committed (or not) with the event: nothing is sent here.
        tasks.tell_owner_factor_added.enqueue(event.pk)


def factor_removed(sender, instance, **kwargs):
    """post_delete on Authenticator: removed by its owner, or reset by an Administrator."""
    record(Kind.FACTOR_REMOVED, user=instance.user, detail=instance.get_type_display())
