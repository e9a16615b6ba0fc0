"""Staff sign-in in the admin: the security log, and the user list's actions for
Administrators (sign a colleague out everywhere, reset their second factors), and the
enrolment code shown once for a new account or a reset."""

import datetime

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from staff import enrolment, sessions
from staff.models import SecurityEvent

User = get_user_model()


@admin.action(description="Sign out everywhere", permissions=["change"])
def sign_out_everywhere(modeladmin, request, queryset):
    for user in queryset:
        sessions.sign_out_everywhere(user)
    modeladmin.message_user(
        request, f"Signed {queryset.count()} person(s) out of every session.", messages.SUCCESS
    )


def enrolment_codes_page(request, people, done, continue_url):
    """Each person's new enrolment code, shown this once (nothing stores it in the clear)."""
    codes = [(person, enrolment.issue(person)) for person in people]
    until = timezone.now() + datetime.timedelta(hours=settings.STAFF_ENROLMENT_CODE_HOURS)
    context = {
        **admin.site.each_context(request), "title": "Enrolment codes", "codes": codes,
        "until": until, "done": done, "continue_url": continue_url,
    }  # fmt: skip
    return TemplateResponse(request, "admin/staff/enrolment_codes.html", context)


@admin.action(description="Reset second factors (they enrol again)", permissions=["change"])
def reset_second_factors(modeladmin, request, queryset):
    """For a lost phone or passkey: the person signs in with their password once more and
    enrols again with the enrolment code shown here. Every removal is in the security log."""
    for authenticator in Authenticator.objects.filter(user__in=queryset):
        authenticator.delete()  # one by one, so each removal is logged
    for user in queryset:
        sessions.sign_out_everywhere(user)
    done = f"Reset the second factors of {queryset.count()} person(s) and signed them out."
    return enrolment_codes_page(
        request, list(queryset), done, reverse("admin:auth_user_changelist")
    )


class StaffUserAdmin(UserAdmin):
    actions = [*UserAdmin.actions, sign_out_everywhere, reset_second_factors]

    def response_add(self, request, obj, post_url_continue=None):
        """A new account's enrolment code, shown once, then on to their roles."""
        if IS_POPUP_VAR in request.POST:
            return super().response_add(request, obj, post_url_continue)
        done = f"Created the account {obj.get_username()}."
        return enrolment_codes_page(
            request, [obj], done, reverse("admin:auth_user_change", args=[obj.pk])
        )


admin.site.unregister(User)
admin.site.register(User, StaffUserAdmin)


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin):
    """The security log: Administrators read it; nobody adds, changes or deletes an event."""

    list_display = ["at", "kind", "username", "actor", "address", "detail"]
    list_filter = ["kind", ("at", admin.DateFieldListFilter)]
    search_fields = ["username", "actor", "address", "detail"]
    date_hierarchy = "at"
    list_per_page = 100

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
