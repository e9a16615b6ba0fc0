"""The mail subscribers get: the confirmation request, and each release's alert.

An alert is rendered once per release; each subscriber's copy differs only in its links and
headers, filled in by string replacement, so fan-out costs the SMTP conversation, not templates
(the rate it reaches: bench/results/alerts-postgresql.json).
"""

import re
import time
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from articles.addresses import site_url, tag_url
from articles.text import dateline_text, first_sentence, html_to_text
from subscriptions.readers import tokens

_MANAGE = "https://manage.invalid/placeholder"
_UNSUBSCRIBE = "https://unsubscribe.invalid/placeholder"
_TO = "recipient@placeholder.invalid"
_MESSAGE_ID = "<message-id@placeholder.invalid>"
# How long one wire copy serves before it is made again (its Date header stays near the truth).
WIRE_SECONDS = 60


def mail_domain():
    return urlsplit(site_url("/")).hostname or "localhost"


def links(subscriber_id, version):
    token = tokens.manage_token(subscriber_id, version)
    return (
        site_url(reverse("subscriptions:manage", args=[token])),
        site_url(reverse("subscriptions:unsubscribe", args=[token])),
    )


def render(name, context):
    text = render_to_string(f"mail/{name}.txt", context, using="django")
    html = render_to_string(f"mail/{name}.html", context, using="django")
    return text, html


class _Message(EmailMultiAlternatives):
    def message(self):
        """Headers as one line up to RFC 5322's 998 characters: folded at 78, a long
        List-Unsubscribe address became encoded-words, which RFC 8058 clients cannot read."""
        built = super().message()
        built.policy = built.policy.clone(max_line_length=998)
        return built


def make_message(subject, text, html, to, headers=None):
    message = _Message(subject, text, to=[to], headers=headers or {})
    message.attach_alternative(html, "text/html")
    return message


def paragraphs(release):
    """The release's body as plain paragraphs: no images or relative links in a mail."""
    blocks = re.split(r"</(?:p|h[1-6]|li|blockquote)>", release.body or "")
    return [text for text in map(html_to_text, blocks) if text]


def confirmation(subscriber, token):
    confirm_url = site_url(reverse("subscriptions:confirm", args=[token]))
    context = {
        "site_name": settings.SITE_NAME,
        "confirm_url": confirm_url,
        "hours": settings.SUBSCRIPTION_CONFIRM_HOURS,
    }
    text, html = render("confirm", context)
    return make_message(f"Confirm your subscription to {settings.SITE_NAME}", text, html,
                    subscriber.email)  # fmt: skip


def already_subscribed(subscriber):
    manage_url, unsubscribe_url = links(subscriber.pk, subscriber.link_version)
    context = {"site_name": settings.SITE_NAME, "manage_url": manage_url,
               "unsubscribe_url": unsubscribe_url}  # fmt: skip
    text, html = render("already_subscribed", context)
    return make_message(f"Your subscription to {settings.SITE_NAME}", text, html, subscriber.email)


class AlertMail:
    """One release's alert, ready to address to any number of subscribers, in the release's
    language: the words made here are translated (locale/), and its links lead to the pages in
    that language (/es/noticias/…). The templates' own words are still the site's language."""

    def __init__(self, release):
        tags = list(release.tags.order_by("name"))
        self.release_id = release.pk
        self.version = release.lock_version
        self.language = release.language
        self.subject = release.title
        with translation.override(self.language):
            context = {
                "site_name": settings.SITE_NAME,
                "release": release,
                "language": self.language,
                "summary": release.summary or first_sentence(release.body),
                "dateline": dateline_text(release),
                "url": site_url(release.get_absolute_url()),
                "topics": [(tag.name, site_url(tag_url(tag.slug, self.language))) for tag in tags],
                "manage_url": _MANAGE,
                "unsubscribe_url": _UNSUBSCRIBE,
            }
            self.text, self.html = render("alert", context)
            # One list in every language: only its name is translated, never its id.
            self.list_name = gettext("%(site)s alerts") % {"site": settings.SITE_NAME}
            self.test_subject = gettext("[Test] %(headline)s") % {"headline": self.subject}
        self._wire, self._wire_made = None, 0.0

    def message(self, row):
        return self.to(row.recipient, row.email, version=row.version)

    def message_id(self, subscriber_id):
        """The same for every attempt at one delivery, so a receiver can drop a repeat."""
        return f"<alert-{self.release_id}-{subscriber_id}@{mail_domain()}>"

    def to(self, subscriber_id, email, *, version=0, test=False):
        manage_url, unsubscribe_url = (
            links(subscriber_id, version)
            if subscriber_id
            else (site_url(reverse("subscriptions:subscribe")),) * 2
        )
        headers = {
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            # RFC 8058: the mail client may POST to the link itself, with no page in between.
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "List-Id": f"{self.list_name} <alerts.{mail_domain()}>",
            "Auto-Submitted": "auto-generated",
        }
        if not test:
            headers["Message-ID"] = self.message_id(subscriber_id)
        subject = self.test_subject if test else self.subject

        def fill(body):
            return body.replace(_MANAGE, manage_url).replace(_UNSUBSCRIBE, unsubscribe_url)

        return make_message(subject, fill(self.text), fill(self.html), email, headers)

    def wire(self, row):
        """The subscriber's copy (`row`, a claimed delivery) as the bytes SMTP sends, made from
        one copy per alert by replacing its placeholders: building a MIME message costs more
        than sending it (the rate: bench/results/alerts-postgresql.json). None when the address
        needs encoding, or the copy could not keep a placeholder whole (a line too long for 8bit
        is quoted-printable); the caller then uses to()."""
        subscriber_id, email = row.recipient, row.email
        if not email.isascii():
            return None
        if self._wire is None or time.monotonic() - self._wire_made > WIRE_SECONDS:
            template = self.to(None, _TO)
            template.extra_headers["List-Unsubscribe"] = f"<{_UNSUBSCRIBE}>"
            template.extra_headers["Message-ID"] = _MESSAGE_ID
            template.body = self.text
            template.alternatives = []
            template.attach_alternative(self.html, "text/html")
            data = template.message().as_bytes(linesep="\r\n")
            whole = all(
                data.count(mark.encode()) >= n
                for mark, n in [(_TO, 1), (_MESSAGE_ID, 1), (_MANAGE, 2), (_UNSUBSCRIBE, 3)]
            )
            self._wire, self._wire_made = (data if whole else b""), time.monotonic()
        if not self._wire:
            return None
        manage_url, unsubscribe_url = links(subscriber_id, row.version)
        return (
            self._wire.replace(_TO.encode(), email.encode())
            .replace(_MESSAGE_ID.encode(), self.message_id(subscriber_id).encode())
            .replace(_MANAGE.encode(), manage_url.encode())
            .replace(_UNSUBSCRIBE.encode(), unsubscribe_url.encode())
        )
