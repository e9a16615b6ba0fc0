"""The newsroom's roles as Django groups, kept in step with this file after every migrate, and
the permission names the workflow, the press desk and staff sign-in check.

Writer: writes drafts and submits them for review; uploads and describes photos.
Reviewer: reads releases and clears them (legal, policy, the front office); writes nothing.
Publisher: what a writer can, plus clear others' releases, publish and schedule cleared ones,
withdraw, correct, share previews and delete photos.
Administrator: everything in the newsroom, plus users and groups.
"""

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.db.models import Q

# What the workflow's steps and the press desk check; the groups below grant them.
EDIT_PERMISSION = "articles.change_release"
PUBLISH_PERMISSION = "articles.publish_release"
DELETE_PERMISSION = "articles.delete_release"  # Administrators only
CLEAR_PERMISSION = "articles.clear_release"  # give a sign-off, or ask for changes
OVERRIDE_PERMISSION = "articles.publish_uncleared"  # Administrators only: emergencies

WRITER = "Writer"
REVIEWER = "Reviewer"
PUBLISHER = "Publisher"
ADMINISTRATOR = "Administrator"

_WRITER_PERMISSIONS = [
    "articles.add_release",
    "articles.change_release",
    "articles.view_release",
    "articles.view_office",
    "articles.view_sociallink",
    "articles.view_correction",
    "articles.view_auditentry",
    # Writers upload and describe photos; taking one down is a publisher's call.
    "articles.add_image",
    "articles.change_image",
    "articles.view_image",
    "taggit.add_tag",
    "taggit.view_tag",
    # Lines on the planning calendar before any text exists; opening one starts its draft.
    "articles.add_planneditem",
    "articles.change_planneditem",
    "articles.view_planneditem",
]
# Legal, policy, the front office: they read releases and clear them, and write nothing. Which
# sign-offs each may give is the clearance routes' business (their groups, or by name).
_REVIEWER_PERMISSIONS = [
    "articles.view_release",
    "articles.clear_release",
    "articles.view_office",
    "articles.view_image",
    "articles.view_auditentry",
    "articles.view_correction",
    "articles.view_planneditem",
    # A release's social posts are cleared with its text: reviewers read them on its page.
    "subscriptions.view_socialpost",
]
_PUBLISHER_PERMISSIONS = [
    *_WRITER_PERMISSIONS,
    "articles.publish_release",
    "articles.clear_release",
    "articles.view_clearanceroute",
    "articles.add_correction",
    "articles.change_correction",
    "articles.add_previewlink",
    "articles.change_previewlink",
    "articles.view_previewlink",
    "articles.delete_image",
    "articles.delete_planneditem",  # a plan dropped; its draft, if any, stays
    "taggit.change_tag",
    # Readers' alerts: how many follow each topic, and how each release's alert went.
    "subscriptions.view_subscriber",
    "subscriptions.view_topic",
    "subscriptions.view_alert",
    # The press corps: its contacts and lists, and sending releases to it under embargo.
    "subscriptions.add_presscontact",
    "subscriptions.change_presscontact",
    "subscriptions.view_presscontact",
    "subscriptions.add_presslist",
    "subscriptions.change_presslist",
    "subscriptions.view_presslist",
    "subscriptions.add_pressmailing",
    "subscriptions.view_pressmailing",
    # Social posts: what a release says on the office's accounts, and on which, is theirs to
    # decide, as the alert is. Connecting an account is an Administrator's.
    "subscriptions.add_socialpost",
    "subscriptions.change_socialpost",
    "subscriptions.delete_socialpost",
    "subscriptions.view_socialpost",
    "subscriptions.view_socialaccount",
]
ROLES = {
    WRITER: _WRITER_PERMISSIONS,
    REVIEWER: _REVIEWER_PERMISSIONS,
    PUBLISHER: _PUBLISHER_PERMISSIONS,
    ADMINISTRATOR: None,  # every permission of the newsroom, tags, users and groups
}
_ADMINISTRATOR_APPS = [
    "articles", "taggit", "auth", "reversion", "staff", "axes", "subscriptions",
]  # fmt: skip


def _permissions(codenames):
    query = Q()
    for dotted in codenames:
        app_label, codename = dotted.split(".")
        query |= Q(content_type__app_label=app_label, codename=codename)
    return Permission.objects.filter(query)


def ensure_roles():
    """Create or update the three groups; safe to run any number of times."""
    for name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        if codenames is None:
            permissions = Permission.objects.filter(content_type__app_label__in=_ADMINISTRATOR_APPS)
        else:
            permissions = _permissions(codenames)
            missing = set(codenames) - {
                f"{p.content_type.app_label}.{p.codename}"
                for p in permissions.select_related("content_type")
            }
            if missing:
                raise LookupError(f"Unknown permissions for {name}: {sorted(missing)}")
        group.permissions.set(permissions)


def create_roles_after_migrate(sender, **kwargs):
    """post_migrate, once the last app has made its permissions (each app makes its own when
    its post_migrate is sent, in INSTALLED_APPS order): the roles then hold every permission
    they name, staff's, axes' and allauth's included, after every migrate."""
    last = [config for config in apps.get_app_configs() if config.models_module is not None][-1]
    if sender is last:
        ensure_roles()
