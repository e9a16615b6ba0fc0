"""The release's admin page in every state it can be in, for each role that may open it: the
markup faults the checkers flag, found fast here (tests/browser/test_editor.py runs the full
checkers on the same pages)."""

from collections import Counter
from html.parser import HTMLParser

import pytest

from articles.roles import ADMINISTRATOR, PUBLISHER, REVIEWER, WRITER
from tests.editorial.release_states import PAGE_STATES, Newsroom
from tests.support import connected_account

pytestmark = pytest.mark.django_db


class Markup(HTMLParser):
    """The ids on a page, and the forms on it that have no submit button."""

    def __init__(self):
        super().__init__()
        self.ids = Counter()
        self.forms_without_submit = []
        self._form = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids[attrs["id"]] += 1
        if tag == "form":
            self._form = [attrs.get("id") or attrs.get("action"), False]
        submits = tag == "button" and attrs.get("type", "submit") == "submit"
        submits |= tag == "input" and attrs.get("type") in {"submit", "image"}
        if submits and self._form:
            self._form[1] = True

    def handle_endtag(self, tag):
        if tag == "form" and self._form:
            if not self._form[1]:
                self.forms_without_submit.append(self._form[0])
            self._form = None


def release_pages(people, office, state):
    """(role, HTML) of the release page in `state` for each role that may open it."""
    newsroom = Newsroom(people)
    connected_account()  # the Social panel is on the page too
    release = newsroom.release_in(state, office)
    url = f"/admin/articles/release/{release.pk}/change/"
    pages = []
    for role in [WRITER, REVIEWER, PUBLISHER, ADMINISTRATOR]:
        response = newsroom.clients[role].get(url)
        if response.status_code == 403:  # a deleted release is an administrator's alone
            continue
        assert response.status_code == 200, (role, response.status_code)
        pages.append((role, response.text))
    assert PAGE_STATES[state] in dict(pages), "the page's usual viewer opens it"
    return pages


@pytest.mark.slow  # twelve releases walked through the admin; the browser checks the same
@pytest.mark.parametrize("state", PAGE_STATES)
def test_every_id_is_unique_and_every_form_can_be_sent_on_the_release_page_in_every_state(
    people, office, state
):
    """Each page, made once, is checked for both faults: an id used twice, and a form with
    nothing to send it (a read-only page's), which fails WCAG's H32."""
    for role, html in release_pages(people, office, state):
        markup = Markup()
        markup.feed(html)
        repeated = {id_: n for id_, n in markup.ids.items() if n > 1}
        assert not repeated, f"{role}, page of a {state} release: {repeated}"
        assert not markup.forms_without_submit, f"{role}, {state}: {markup.forms_without_submit}"
