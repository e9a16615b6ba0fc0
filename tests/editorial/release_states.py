"""A release brought to each state its admin page can show, the way the newsroom gets it there:
written in the admin's form, then moved by the buttons on its page (each POST as the person
whose step it is). Used by the fast markup checks and by the browser's checkers."""

import datetime

import time_machine
from django.test import Client
from django.utils import timezone
from django.utils.text import slugify

from articles.editorial.workflow import STEPS
from articles.models import Release
from articles.roles import ADMINISTRATOR, PUBLISHER, REVIEWER, WRITER
from articles.states import State
from tests.editorial.release_form import ADD_URL
from tests.subscriptions.pages import form_defaults

# Every state of a release's page, and who opens it: the publisher, except for a deleted
# release, which only an administrator sees.
PAGE_STATES = {
    "draft": PUBLISHER,
    "in-review": PUBLISHER,
    "in-review-for-reviewer": REVIEWER,
    "cleared": PUBLISHER,
    "changes-requested": WRITER,
    "published-uncleared": PUBLISHER,
    "scheduled": PUBLISHER,
    "live": PUBLISHER,
    "live-corrected": PUBLISHER,
    "expired": PUBLISHER,
    "withdrawn": PUBLISHER,
    "deleted": ADMINISTRATOR,
}
EXPECTED = {
    "draft": State.DRAFT, "in-review": State.IN_REVIEW, "scheduled": State.SCHEDULED,
    "in-review-for-reviewer": State.IN_REVIEW, "cleared": State.IN_REVIEW,
    "changes-requested": State.DRAFT, "published-uncleared": State.LIVE,
    "live": State.LIVE, "live-corrected": State.LIVE, "expired": State.EXPIRED,
    "withdrawn": State.WITHDRAWN, "deleted": State.DELETED,
}  # fmt: skip


class Newsroom:
    """One signed-in test client per role, taking steps through the admin."""

    def __init__(self, people):
        self.clients = {}
        for role, user in people.items():
            self.clients[role] = Client()
            self.clients[role].force_login(user)

    def write(self, role, office, title, expire_at=None):
        data = {
            "kind": "press-release", "title": title, "slug": slugify(title), "summary": "",
            "dateline": "WASHINGTON", "body": "<p>The harbor reopened today. Ships are moving.</p>",
            "byline": "", "office": office.pk, "tags": "new:Harbors",
        }  # fmt: skip
        if expire_at is not None:
            local = timezone.localtime(expire_at)
            data |= {"expire_at_0": f"{local:%Y-%m-%d}", "expire_at_1": f"{local:%H:%M}"}
        response = self.clients[role].post(ADD_URL, data)
        assert response.status_code == 302, response.context and response.context["errors"]
        return Release.objects.get(title=title)

    def step(self, role, release, step, **fields):
        release.refresh_from_db()
        url = f"/admin/articles/release/{release.pk}/workflow/"
        data = {"step": step, "version": release.lock_version, "note": "", **fields}
        response = self.clients[role].post(url, data, follow=True)
        assert response.status_code == 200, (step, response.status_code)
        messages = [str(m) for m in response.context["messages"]]
        assert any(m.startswith(STEPS[step].label) for m in messages), messages

    def answer(self, role, release, answer="clear", note=""):
        """A reviewer's answer through the release page's Clearance form, as it is served."""
        url = f"/admin/articles/release/{release.pk}/change/"
        action, data = form_defaults(self.clients[role].get(url), "clearance")
        data |= {"answer": answer, "note": note}
        response = self.clients[role].post(action, data, follow=True)
        messages = [str(m) for m in response.context["messages"]]
        assert any("cleared this version" in m or "changes requested" in m for m in messages), (
            messages
        )

    def correct(self, role, release, text):
        release.refresh_from_db()
        url = f"/admin/articles/release/{release.pk}/correct/"
        response = self.clients[role].post(url, {"text": text, "version": release.lock_version})
        assert response.status_code == 302

    def release_in(self, state, office):
        """A new release in `state` (a PAGE_STATES name), reached through the admin."""
        title = f"Harbor reopens ({state})"
        now = timezone.now()
        if state == "expired":
            # Written and published two days ago, with an expiry that has passed since.
            with time_machine.travel(now - datetime.timedelta(days=2)):
                release = self.write(PUBLISHER, office, title, now - datetime.timedelta(days=1))
                self.step(PUBLISHER, release, "submit")
                self.answer(REVIEWER, release)
                self.step(PUBLISHER, release, "publish")
        else:
            release = self.write(WRITER, office, title)
        if state not in {"draft", "expired", "deleted"}:
            self.step(WRITER, release, "submit")
        if state in {"cleared", "scheduled", "live", "live-corrected", "withdrawn"}:
            self.answer(REVIEWER, release)
        if state == "changes-requested":
            self.answer(REVIEWER, release, "changes", "The second quote needs its source.")
        if state == "published-uncleared":
            self.step(ADMINISTRATOR, release, "publish", emergency_reason="The storm is here.")
        if state == "scheduled":
            when = timezone.localtime(now + datetime.timedelta(days=1))
            self.step(PUBLISHER, release, "schedule", when=f"{when:%Y-%m-%dT%H:%M}")
        if state in {"live", "live-corrected", "withdrawn"}:
            self.step(PUBLISHER, release, "publish")
        if state == "live-corrected":
            self.correct(PUBLISHER, release, "An earlier version gave the wrong harbor.")
        if state == "withdrawn":
            self.step(PUBLISHER, release, "withdraw")
        if state == "deleted":
            self.step(ADMINISTRATOR, release, "delete")
        release.refresh_from_db()
        assert release.state == EXPECTED[state], (state, release.state)
        return release
