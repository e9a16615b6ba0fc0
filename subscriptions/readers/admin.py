"""The readers' side of the admin: subscribers (they only ever join by confirming themselves),
subscriber counts per topic, and each release's alert with its progress."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from articles.models import AuditEntry, Release
from articles.roles import PUBLISH_PERMISSION
from subscriptions.readers.models import Alert, Delivery, Subscriber, Topic, receiving
from subscriptions.sending.tasks import send_test_alert

Status = Delivery.Status


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ["email", "status", "all_releases", "language", "consented_at",
                    "confirmed_at"]  # fmt: skip
    list_filter = [("confirmed_at", admin.EmptyFieldListFilter), "all_releases", "language",
                   ("unsubscribed_at", admin.EmptyFieldListFilter)]  # fmt: skip
    search_fields = ["email"]
    readonly_fields = ["email", "all_releases", "topics", "language", "consented_at",
                       "confirmed_at", "unsubscribed_at", "undeliverable_at"]  # fmt: skip
    list_per_page = 100

    def has_add_permission(self, request):
        return False  # consent is given by the reader, on the subscribe page

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "subscriber_count"]
    search_fields = ["name"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(receiving=Count("subscribers", filter=receiving("subscribers__")))
        )

    @admin.display(description="subscribers", ordering="receiving")
    def subscriber_count(self, topic):
        return topic.receiving

    def changelist_view(self, request, extra_context=None):
        everything = Subscriber.objects.receiving().filter(all_releases=True).count()
        extra = {"title": f"Subscribers per topic ({everything} more get every release)"}
        return super().changelist_view(request, {**extra, **(extra_context or {})})

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class TestAlertForm(forms.Form):
    """A test alert goes to the signed-in person's own address and nowhere else: it may carry
    a release that is not public yet."""

    release = forms.ModelChoiceField(
        queryset=Release.objects.exclude(status="deleted").order_by("-updated"),
        help_text="Any release, published or not: the test goes only to you.",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self):
        if not self.user.email:
            raise ValidationError(
                "Your account has no e-mail address to send the test to: add one first."
            )
        return super().clean()


def _count_column(status):
    """A list column: the alert's deliveries in `status` (annotated by get_queryset)."""

    @admin.display(description=status, ordering=f"n_{status}")
    def column(self, alert):
        return getattr(alert, f"n_{status}")

    return column


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    """Each release's alert and how far it has got; the list refreshes itself while one sends."""

    list_display = ["release", "queued_at", "recipients", *Status.values]
    search_fields = ["release__title"]
    list_select_related = ["release"]
    readonly_fields = ["release", "queued_at", "fanned_out_at", "recipients", "progress",
                       "refusals"]  # fmt: skip
    change_list_template = "admin/subscriptions/alert/change_list.html"

    def get_queryset(self, request):
        counts = {status: Count("deliveries", filter=Q(deliveries__status=status))
                  for status in Status.values}  # fmt: skip
        return super().get_queryset(request).annotate(**{f"n_{k}": v for k, v in counts.items()})

    queued = _count_column(Status.QUEUED)
    sent = _count_column(Status.SENT)
    failed = _count_column(Status.FAILED)
    undeliverable = _count_column(Status.UNDELIVERABLE)
    cancelled = _count_column(Status.CANCELLED)

    @admin.display(description="progress")
    def progress(self, alert):
        return ", ".join(f"{n} {status}" for status, n in alert.counts().items())

    @admin.display(description="latest refusals")
    def refusals(self, alert):
        rows = alert.deliveries.exclude(last_error="").select_related("subscriber")
        rows = rows.order_by("-id")[:20]
        return "; ".join(f"{row.subscriber.email}: {row.last_error}" for row in rows) or "none"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        sending = Delivery.objects.filter(status=Status.QUEUED).exists()
        extra = {"refresh_seconds": 5 if sending else None,
                 "may_test": request.user.has_perm(PUBLISH_PERMISSION)}  # fmt: skip
        return super().changelist_view(request, {**extra, **(extra_context or {})})

    def get_urls(self):
        test = self.admin_site.admin_view(self.test_alert_view)
        return [path("test/", test, name="subscriptions_alert_test"), *super().get_urls()]

    def test_alert_view(self, request):
        if not request.user.has_perm(PUBLISH_PERMISSION):
            return redirect("admin:subscriptions_alert_changelist")
        user = request.user
        form = TestAlertForm(request.POST or None, user=user)
        if request.method == "POST" and form.is_valid():
            release = form.cleaned_data["release"]
            with transaction.atomic():
                send_test_alert.enqueue(release.pk, user.pk)
                AuditEntry.objects.record(release, user, "Test alert sent", f"To {user.email}.")
            self.message_user(request, f"A test alert for “{release.title}” is on its way to "
                              f"{user.email}.", messages.SUCCESS)  # fmt: skip
            return redirect(reverse("admin:subscriptions_alert_changelist"))
        context = {**self.admin_site.each_context(request), "form": form, "to": user.email,
                   "title": "Send yourself a test alert", "opts": self.model._meta}  # fmt: skip
        return TemplateResponse(request, "admin/subscriptions/alert/test.html", context)
