"""Staff sign-in in the admin: the security log, and the user list's actions for
Administrators (sign a colleague out everywhere, reset their second factors)."""

from allauth.mfa.models import Authenticator
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from staff import sessions
from staff.models import SecurityEvent

User = get_user_model()


@admin.action(description="Sign out everywhere", permissions=["change"])
def sign_out_everywhere(modeladmin, request, queryset):
    for user in queryset:
        sessions.sign_out_everywhere(user)
    modeladmin.message_user(
        request, f"Signed {queryset.count()} person(s) out of every session.", messages.SUCCESS
    )


@admin.action(description="Reset second factors (they enrol again)", permissions=["change"])
def reset_second_factors(modeladmin, request, queryset):
    """For a lost phone or passkey: the person signs in with their password once more and is
    sent to enrol. Every removal is in the security log."""
    for authenticator in Authenticator.objects.filter(user__in=queryset):
        authenticator.delete()  # one by one, so each removal is logged
    for user in queryset:
        sessions.sign_out_everywhere(user)
    modeladmin.message_user(
        request, f"Reset the second factors of {queryset.count()} person(s).", messages.SUCCESS
    )


class StaffUserAdmin(UserAdmin):
    actions = [*UserAdmin.actions, sign_out_everywhere, reset_second_factors]


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
