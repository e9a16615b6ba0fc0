"""The press corps in the admin: contacts, lists, and the embargoed press mailings Publishers
send (with the notices that followed them)."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import redirect

from articles.errors import WorkflowError
from articles.models import Release
from articles.roles import PUBLISH_PERMISSION
from articles.states import State
from subscriptions.press.embargo import check_embargo, send_under_embargo
from subscriptions.press.models import PressContact, PressList, PressMailing


@admin.register(PressContact)
class PressContactAdmin(admin.ModelAdmin):
    list_display = ["name", "outlet", "email", "active"]
    list_filter = ["active", "lists"]
    search_fields = ["name", "outlet", "email"]


@admin.register(PressList)
class PressListAdmin(admin.ModelAdmin):
    list_display = ["name", "contact_count"]
    filter_horizontal = ["contacts"]
    search_fields = ["name"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(active=Count("contacts", filter=Q(contacts__active=True)))
        )

    @admin.display(description="active contacts", ordering="active")
    def contact_count(self, press_list):
        return press_list.active


class EmbargoForm(forms.ModelForm):
    """Send a scheduled release to press lists before its minute."""

    send_at = forms.SplitDateTimeField(
        label="Send at", required=False, widget=admin.widgets.AdminSplitDateTime,
        help_text="Empty: now. Office time; must be before the embargo lifts.",
    )  # fmt: skip

    class Meta:
        model = PressMailing
        fields = ["release", "lists", "send_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "release" in self.fields:  # adding; an existing mailing is only read
            self.fields["release"].queryset = Release.objects.in_state(State.SCHEDULED)
            self.fields["release"].help_text = "Scheduled releases only."
            self.fields["lists"].required = True

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            check_embargo(data["release"], data["lists"], data.get("send_at"))
        except WorkflowError as error:
            raise ValidationError(str(error)) from error
        return data


@admin.register(PressMailing)
class PressMailingAdmin(admin.ModelAdmin):
    """Embargoed copies and the notices that followed them, each with its progress. Adding one
    sends a scheduled release to press lists; notices are made by the workflow alone."""

    list_display = ["release", "kind", "embargo_until", "send_at", "created_by", "progress"]
    list_filter = ["kind"]
    list_select_related = ["release", "created_by"]
    search_fields = ["release__title"]
    form = EmbargoForm
    readonly_fields = ["progress", "recipients"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["release", "lists", "send_at"]
        return ["release", "kind", "lists", "embargo_until", "send_at", "ended_at",
                "created_by", "progress", "recipients"]  # fmt: skip

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj) if obj else []

    @admin.display(description="progress")
    def progress(self, mailing):
        return ", ".join(f"{n} {status}" for status, n in mailing.counts().items() if n)

    @admin.display(description="recipients")
    def recipients(self, mailing):
        rows = mailing.deliveries.select_related("contact").order_by("contact__name")
        return "; ".join(f"{row.contact} <{row.contact.email}>: {row.status}"
                         + (f" ({row.last_error})" if row.last_error else "")
                         for row in rows)  # fmt: skip

    def has_add_permission(self, request):
        return request.user.has_perm(PUBLISH_PERMISSION)

    def has_change_permission(self, request, obj=None):
        return obj is None and request.user.has_perm(PUBLISH_PERMISSION)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        try:
            mailing = send_under_embargo(data["release"], list(data["lists"]), request.user,
                                         data.get("send_at"))  # fmt: skip
        except WorkflowError as error:  # it changed since the form was checked
            self.message_user(request, str(error), messages.ERROR)
            return
        obj.pk = mailing.pk

    def save_related(self, request, form, formsets, change):
        pass  # send_under_embargo sets the lists

    def response_add(self, request, obj, post_url_continue=None):
        if obj.pk is None:
            return redirect("admin:subscriptions_pressmailing_changelist")
        self.message_user(request, f"“{obj.release.title}” is queued for the press under "
                          "embargo; the progress is below.", messages.SUCCESS)  # fmt: skip
        return redirect("admin:subscriptions_pressmailing_change", obj.pk)
