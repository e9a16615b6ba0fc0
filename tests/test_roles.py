"""The roles after a plain `migrate`: complete, without running setup_roles by hand."""

import pytest
from django.contrib.auth.models import Group

from articles.roles import ADMINISTRATOR, PUBLISHER, REVIEWER, WRITER

pytestmark = pytest.mark.django_db


def test_after_migrate_each_role_holds_the_permissions_of_apps_that_migrate_after_articles():
    """A fresh database: the Administrator must manage the security log (staff), lockouts
    (axes) and users, though those apps make their permissions after articles migrates."""
    administrator = {
        f"{p.content_type.app_label}.{p.codename}"
        for p in Group.objects.get(name=ADMINISTRATOR).permissions.select_related("content_type")
    }
    assert {"staff.view_securityevent", "axes.view_accessattempt", "auth.change_user"} <= (
        administrator
    )
    publisher = Group.objects.get(name=PUBLISHER).permissions
    assert publisher.filter(codename="view_pressmailing").exists()
    assert Group.objects.get(name=REVIEWER).permissions.filter(codename="clear_release").exists()


def _codenames(role):
    return set(Group.objects.get(name=role).permissions.values_list("codename", flat=True))


def test_writers_and_publishers_plan_reviewers_read_the_plans():
    planning = {"add_planneditem", "change_planneditem", "view_planneditem"}
    assert planning <= _codenames(WRITER) and "delete_planneditem" not in _codenames(WRITER)
    assert planning | {"delete_planneditem"} <= _codenames(PUBLISHER)
    assert _codenames(REVIEWER) & (planning | {"delete_planneditem"}) == {"view_planneditem"}
