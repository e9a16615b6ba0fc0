"""The card fence (articles/public/cards.py): a release card reads only the fields cards load,
so a field added to the card template fails here instead of costing one query per card."""

import pytest
from django.db import connection
from django.template import engines
from django.test.utils import CaptureQueriesContext

from articles.models import Release
from articles.public.cards import as_cards, with_tag_lists

pytestmark = pytest.mark.django_db

CARDS = """{% from "articles/includes/release_card.html" import release_card %}
{%- for release in releases %}{{ release_card(release) }}{{ extra(release) }}{% endfor %}"""


@pytest.fixture
def cards(releases):
    """Four cards, three of them with a photo (`releases` is in tests/public/conftest.py)."""
    releases(4)
    return with_tag_lists(as_cards(Release.objects.live()).newest_first())


def render(releases, extra=""):
    template = engines["jinja2"].env.from_string(CARDS)
    with CaptureQueriesContext(connection) as queries:
        html = template.render(releases=releases, extra=lambda release: extra.format(r=release))
    return html, len(queries)


def test_every_card_renders_from_what_as_cards_loaded(cards):
    html, queries = render(cards)
    assert queries == 0
    assert html.count("<article") == len(cards) == 4
    assert html.count("<picture>") == len(cards) - 1, "all but the first have a photo"
    assert "/news/tags/shared/" in html


def test_a_field_cards_do_not_load_costs_a_query_per_card_and_is_caught(cards):
    _, queries = render(cards, extra="{r.byline}")
    assert queries == len(cards), "reading a deferred field loads it, one query per card"
