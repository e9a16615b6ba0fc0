"""The office's social accounts (Administrators connect them) and the Social panel of a
release's page (Publishers write its posts there, one per account they choose)."""

from django import forms
from django.contrib import admin, messages
from django.db.models import Q
from django.forms.models import BaseInlineFormSet
from django.utils import timezone
from django.utils.html import format_html

from subscriptions.sending.models import Outgoing
from subscriptions.social.messages import text_as_sent
from subscriptions.social.models import SocialAccount, SocialPost
from subscriptions.social.networks import Refused, networks


def _field_name(network, credential):
    return f"{network}__{credential}"


class SocialAccountForm(forms.ModelForm):
    """The network's credentials, asked for every network and kept for the one chosen; checked
    with the network before they are saved, encrypted, and never shown again."""

    base_url = forms.URLField(
        label="Server address", required=False, assume_scheme="https", max_length=300,
        help_text=SocialAccount._meta.get_field("base_url").help_text,
    )  # fmt: skip

    class Meta:
        model = SocialAccount
        fields = ["network", "base_url", "active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.replacing = self.instance.pk is not None
        for network in networks().values():
            for credential in network.credentials:
                widget = forms.PasswordInput if credential.secret else forms.TextInput
                self.fields[_field_name(network.code, credential.name)] = forms.CharField(
                    label=f"{network.label}: {credential.label}", required=False,
                    help_text=credential.help_text, widget=widget,
                    strip=True,
                )  # fmt: skip
        if self.replacing and "network" in self.fields:  # (a view-only form has none)
            self.fields["network"].disabled = True

    def entered(self, network):
        return {
            credential.name: self.cleaned_data.get(_field_name(network.code, credential.name), "")
            for credential in network.credentials
        }

    def clean(self):
        cleaned = super().clean()
        code = cleaned.get("network")
        if not code:
            return cleaned
        network = networks()[code]
        entered = self.entered(network)
        if self.replacing and not any(entered.values()):
            if "base_url" in self.changed_data:
                # The stored credentials go only to the server they were checked with.
                raise forms.ValidationError(
                    "A new server address needs the credentials entered again."
                )
            return cleaned  # the stored credentials stay
        missing = [c.label for c in network.credentials if not entered[c.name]]
        if missing:
            raise forms.ValidationError(f"{network.label} needs: {', '.join(missing)}.")
        base_url = cleaned.get("base_url") or network.default_base_url
        if not base_url:
            self.add_error("base_url", f"{network.label} needs the server's address.")
            return cleaned
        try:
            with network.connect(entered, base_url) as connection:
                self.handle = connection.verify()
        except Refused as refused:
            raise forms.ValidationError(
                f"{network.label} did not accept these credentials: {refused.reason}"
            ) from None
        self.credentials = entered
        return cleaned

    def save(self, commit=True):
        account = super().save(commit=False)
        if hasattr(self, "credentials"):
            account.set_credentials(self.credentials)
            account.handle = self.handle
            account.verified_at = timezone.now()
        if commit:
            account.save()
        return account


@admin.register(SocialAccount)
class SocialAccountAdmin(admin.ModelAdmin):
    form = SocialAccountForm
    list_display = ["__str__", "active", "verified_at", "last_used_at"]
    readonly_fields = ["connected_as"]
    actions = ["verify_credentials", "send_test_post"]

    def get_form(self, request, obj=None, **kwargs):
        # The credentials' fields are the form's own, made per network in its __init__.
        kwargs["fields"] = ["network", "base_url", "active"]
        return super().get_form(request, obj, **kwargs)

    def get_fieldsets(self, request, obj=None):
        base = [(None, {"fields": ["network", "base_url", "active", "connected_as"]})]
        for network in networks().values():
            names = [_field_name(network.code, c.name) for c in network.credentials]
            description = (
                "Leave empty to keep the stored credentials; what you enter replaces them."
                if obj is not None else "Only the chosen network's credentials are kept."
            )  # fmt: skip
            base.append((network.label, {"fields": names, "description": description}))
        return base

    @admin.display(description="Connected as")
    def connected_as(self, account):
        if account.pk is None:
            return "Not yet: the credentials are checked with the network when you save."
        used = account.last_used_at and timezone.localtime(account.last_used_at)
        last = f"last used {used:%a %-d %b %Y, %H:%M}" if used else "not used yet"
        return f"{account.handle}, {last}"

    @admin.action(description="Verify credentials with the network", permissions=["change"])
    def verify_credentials(self, request, queryset):
        for account in queryset:
            try:
                with account.connect() as connection:
                    handle = connection.verify()
            except Refused as refused:
                self.message_user(request, f"{account}: refused: {refused.reason}", messages.ERROR)
                continue
            SocialAccount.objects.filter(pk=account.pk).update(verified_at=timezone.now())
            self.message_user(request, f"{account}: the network knows these credentials as "
                              f"{handle}.", messages.SUCCESS)  # fmt: skip

    @admin.action(
        description="Send a test post to myself (where the network allows it)",
        permissions=["change"],
    )
    def send_test_post(self, request, queryset):
        for account in queryset:
            if not account.network_rules.can_test_post:
                self.message_user(request, f"{account}: {account.get_network_display()} has no "
                                  "post only its author sees; use Verify credentials.",
                                  messages.WARNING)  # fmt: skip
                continue
            try:
                with account.connect() as connection:
                    posted = connection.test_post(
                        f"A test from {request.user.get_username()} at Press Office: only this "
                        "account sees it."
                    )
            except Refused as refused:
                self.message_user(request, f"{account}: refused: {refused.reason}", messages.ERROR)
                continue
            self.message_user(request, format_html("{}: test post sent, <a href=\"{}\">see it"
                                                   "</a>.", account, posted.url))  # fmt: skip


class SocialPostForm(forms.ModelForm):
    chosen = forms.BooleanField(
        label="Post to this account", required=False,
        help_text="Ticked, the post goes at the release's minute.",
    )  # fmt: skip

    class Meta:
        model = SocialPost
        fields = ["account", "text", "with_photo"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Active accounts, and the one a saved post already names, even if switched off since.
        chosen = Q(pk=self.instance.account_id) if self.instance.account_id else Q(pk=None)
        self.fields["account"].queryset = SocialAccount.objects.filter(Q(active=True) | chosen)
        if self.instance.pk is not None:  # a saved post is chosen; Delete drops it
            self.fields["chosen"].initial, self.fields["chosen"].disabled = True, True
            self.fields["chosen"].help_text = "Tick Delete to drop it before it goes."
            if hasattr(self.instance, "delivery"):
                for field in self.fields.values():
                    field.disabled = True  # queued or sent: what went is what it says

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("chosen"):
            return cleaned
        account, text = cleaned.get("account"), cleaned.get("text", "")
        release = self.instance.release
        if account is None or not text or release.pk is None:
            return cleaned
        network = account.network_rules
        length = network.length(text_as_sent(self.instance, text))
        if length > network.limit:
            self.add_error(
                "text",
                f"{length} of {network.limit} as {network.label} counts, "
                f"with the release's address: {length - network.limit} too many.",
            )
        return cleaned

    def has_changed(self):
        # An unticked suggestion is not a post; a ticked one is, even with its words unchanged.
        if self.instance.pk is None:
            return bool(self.is_bound and self.data.get(self.add_prefix("chosen")))
        return super().has_changed()


class SocialPostFormSet(BaseInlineFormSet):
    """Each active account without a post is offered, prefilled with the headline."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.offered = self._offered()
        self.initial_extra = [{"account": a.pk, "text": self.instance.title} for a in self.offered]
        self.extra = len(self.offered)

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if hasattr(form.instance, "delivery") and "DELETE" in form.fields:
            form.fields["DELETE"].disabled = True  # queued or sent: it stays on record

    def _should_delete_form(self, form):
        return not hasattr(form.instance, "delivery") and super()._should_delete_form(form)

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        form.instance.release = self.instance  # as posted: its address is counted in the text
        return form

    may_offer = True

    def _offered(self):
        if self.instance.pk is None or not self.may_offer:
            return []
        taken = SocialPost.objects.filter(release=self.instance).values("account_id")
        return list(SocialAccount.objects.filter(active=True).exclude(pk__in=taken))


class SocialPostInline(admin.StackedInline):
    model = SocialPost
    form = SocialPostForm
    formset = SocialPostFormSet
    fk_name = "release"
    extra = 0
    verbose_name = "social post"
    verbose_name_plural = "Social posts"
    readonly_fields = ["sending"]
    template = "admin/edit_inline/labelled.html"  # every field labelled, no script needed

    def _shown(self, obj):
        """Only where there is something to choose or to see: an account, or posts. (Asked
        without a release, Django means "any": the panel's rows are then its posts.)"""
        if obj is None:
            return True
        return SocialAccount.objects.filter(active=True).exists() or obj.social_posts.exists()

    def has_view_permission(self, request, obj=None):
        return self._shown(obj) and super().has_view_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return self._shown(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._shown(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._shown(obj) and super().has_delete_permission(request, obj)

    def get_fields(self, request, obj=None):
        return ["chosen", "account", "text", "with_photo", "sending"]

    def get_formset(self, request, obj=None, **kwargs):
        kwargs["fields"] = ["account", "text", "with_photo"]
        formset = super().get_formset(request, obj, **kwargs)
        formset.may_offer = self.has_add_permission(request, obj)  # readers see posts only
        return formset

    def get_extra(self, request, obj=None, **kwargs):
        return 0  # the formset offers one per account (SocialPostFormSet)

    @admin.display(description="Sending")
    def sending(self, post):
        if post.pk is None:
            return "Goes when the release goes live, if ticked."
        delivery = getattr(post, "delivery", None)
        if post.deleted_at:
            return "Deleted from the network after the release was withdrawn."
        if post.delete_error:
            return f"Posted, but not deleted after the withdrawal: {post.delete_error}"
        if post.url:
            return format_html('Posted: <a href="{}">{}</a>', post.url, post.url)
        if delivery is None and post.release.went_live_at and not post.account.active:
            return "Not sent: the account was switched off when the release went live."
        if delivery is None:
            return "Waiting for the release's minute."
        if delivery.status == Outgoing.Status.QUEUED:
            return f"Queued; tries so far: {delivery.attempts}. {delivery.last_error}".strip()
        if delivery.status == Outgoing.Status.CANCELLED:
            return (
                "Cancelled: the release was no longer live, or the account was switched off, "
                "when it was due."
            )
        return f"Not posted: {delivery.last_error}"
