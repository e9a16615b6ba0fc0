"""Outside fact-checkers: an expert with no account checks a release's facts through a personal
link, mailed by the worker. The link shows the text as it was when sent (never a later one;
send a new request for that), and takes one answer: "Accurate" or "Needs changes", with
comments. The answer joins the clearance trail, and gives a sign-off only where the route lets
an outside answer give it and the text is still the one checked.

A link ends when it expires, when it is revoked, or when its release is withdrawn, expired or
deleted (workflow.take_step ends them all then), like a reviewer's share link.
"""

import datetime

from django import forms
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django_tasks import task

from articles.addresses import site_url
from articles.editorial import clearance
from articles.errors import WorkflowError
from articles.models import AuditEntry, FactCheck, SignOff
from articles.roles import PUBLISH_PERMISSION
from articles.states import TAKEN_DOWN

# A week: long enough for an expert to find an hour, short enough for the text to still matter.
MAX_FACT_CHECK_HOURS = 24 * 7


def outside_sign_offs(release):
    """The sign-offs of the release's route an outside answer may give."""
    route = clearance.route_for(release)
    return list(route.required.filter(outside_answer_counts=True)) if route else []


def request_fact_check(release, user, email, *, question="", required=None, hours=72):
    if not user.has_perm(PUBLISH_PERMISSION):
        raise WorkflowError("You do not have permission to ask for a fact check.")
    if release.state in TAKEN_DOWN:
        raise WorkflowError("A withdrawn, expired or deleted release cannot be sent for checking.")
    if not 1 <= hours <= MAX_FACT_CHECK_HOURS:
        raise WorkflowError(f"A fact-check link lasts between 1 and {MAX_FACT_CHECK_HOURS} hours.")
    if required is not None and required not in outside_sign_offs(release):
        raise WorkflowError(f"An outside answer cannot give {required.name} on this route.")
    if required is not None and user.pk in clearance.writers(release):
        # Else a writer could send their own text to an address they read, and clear it.
        raise WorkflowError(
            "Nobody can clear their own writing: ask someone who did not write it to send "
            "a request that gives a sign-off."
        )
    check = FactCheck.objects.create(
        release=release, email=email, question=question.strip(), required=required,
        version=release.lock_version, fingerprint=release.text_fingerprint,
        text=release.cleared_text(), created_by=user,
        expires_at=timezone.now() + datetime.timedelta(hours=hours),
    )  # fmt: skip
    AuditEntry.objects.record(release, user, "Fact check requested", f"To {email}.")
    transaction.on_commit(lambda: send_fact_check.enqueue(check.pk))
    return check


def revoke_fact_check(check, user):
    if not user.has_perm(PUBLISH_PERMISSION):
        raise WorkflowError("You do not have permission to revoke fact-check links.")
    if check.revoked_at is None:
        check.revoked_at = timezone.now()
        check.save(update_fields=["revoked_at"])
        AuditEntry.objects.record(check.release, user, "Fact check revoked", check.email)


def answer_fact_check(check, answer, comments):
    """Record the one answer; a sign-off too where the route says so and the text is the same."""
    with transaction.atomic():
        check = FactCheck.objects.select_for_update().select_related("release").get(pk=check.pk)
        if check.answered_at is not None:
            raise WorkflowError("This fact check has been answered already.")
        if not check.is_usable() or check.release.state in TAKEN_DOWN:
            raise WorkflowError("This fact-check link has ended.")
        check.answer, check.comments = answer, comments.strip()
        check.answered_at = timezone.now()
        check.save(update_fields=["answer", "comments", "answered_at"])
        accurate = answer == FactCheck.Answer.ACCURATE
        SignOff.objects.create(
            release=check.release, required=check.required,
            name=check.required.name if check.required else f"Fact check ({check.email})",
            user=None, note=f"{check.email}: {check.comments}".strip(": "),
            decision=SignOff.Decision.ACCURATE if accurate else SignOff.Decision.INACCURATE,
            version=check.version, fingerprint=check.fingerprint, text=check.text,
        )  # fmt: skip
        AuditEntry.objects.record(
            check.release, None, f"Fact check: {check.get_answer_display()}"[:40],
            f"{check.email}: {check.comments}",
        )  # fmt: skip
    return check


class FactCheckAnswerForm(forms.Form):
    answer = forms.ChoiceField(
        choices=FactCheck.Answer.choices, widget=forms.RadioSelect, label="Your answer"
    )
    comments = forms.CharField(
        required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Required when something needs to change: say what, and why.",
    )  # fmt: skip

    def clean(self):
        cleaned = super().clean()
        needs_changes = cleaned.get("answer") == FactCheck.Answer.NEEDS_CHANGES
        if needs_changes and not cleaned.get("comments", "").strip():
            self.add_error("comments", "Say what needs to change.")
        return cleaned


@never_cache
def fact_check_view(request, token):
    """The checker's page: 404 once the link has ended, like a link that never existed."""
    check = get_object_or_404(
        FactCheck.objects.usable().with_secret(token).select_related("release__office")
    )
    if check.release.state in TAKEN_DOWN:
        raise Http404("This fact-check link has ended.")
    form = FactCheckAnswerForm(request.POST or None)
    if request.method == "POST" and check.answered_at is None and form.is_valid():
        data = form.cleaned_data
        try:
            check = answer_fact_check(check, data["answer"], data["comments"])
        except WorkflowError:
            # Answered (or ended) between this page's read and its write: show how it stands.
            check.refresh_from_db()
            if not check.is_usable():
                raise Http404("This fact-check link has ended.") from None
    response = TemplateResponse(
        request, "factcheck/page.html", {"check": check, "form": form}, using="django"
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@task()
def send_fact_check(check_id):
    check = FactCheck.objects.select_related("release", "created_by").filter(pk=check_id).first()
    if check is None or not check.is_usable():
        return
    context = {
        "site_name": settings.SITE_NAME,
        "check": check,
        "title": check.text["title"],
        "url": site_url(reverse("fact_check", args=[check.secret()])),
        "asked_by": check.created_by.get_full_name() or check.created_by.get_username(),
    }
    message = EmailMultiAlternatives(
        subject=f"Please check the facts: {check.text['title']}",
        body=render_to_string("mail/fact_check.txt", context, using="django"),
        to=[check.email],
    )
    message.attach_alternative(
        render_to_string("mail/fact_check.html", context, using="django"), "text/html"
    )
    get_connection(fail_silently=False).send_messages([message])
