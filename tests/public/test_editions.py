"""A release's editions in other languages, as readers meet them: each at its own address in
its own language, the family's live members named by the switcher and hreflang (never one
still embargoed or withdrawn), and lists, feeds and search in one language each."""

import datetime
import re
import xml.etree.ElementTree as ET

import pytest
import time_machine
from django.utils import timezone

from articles.models import Release
from tests.support import NOW, local

pytestmark = pytest.mark.django_db

SITEMAP_NS = {
    "s": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "x": "http://www.w3.org/1999/xhtml",
}


@pytest.fixture
def family(make_release):
    """An English release live since May 26, 2011, with a Spanish edition made like it."""

    def make(spanish_status=Release.Status.PUBLISHED, spanish_publish_at=None, **spanish):
        original = make_release(
            "Secretary announces new port grants",
            publish_at=local(2011, 5, 26, 10),
            dateline="WASHINGTON",
            tags=["Ports"],
        )
        edition = make_release(
            spanish.pop("title", "La secretaria anuncia nuevas subvenciones portuarias"),
            language="es",
            original=original,
            status=spanish_status,
            publish_at=spanish_publish_at or local(2011, 5, 26, 11),
            dateline="WASHINGTON",
            body="<p>Los puertos recibirán fondos para modernizar sus muelles.</p>",
            tags=["Ports"],
            **spanish,
        )
        return original, edition

    return make


def alternates(html):
    """{hreflang: address} of a page's head."""
    return dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)"', html))


def test_a_spanish_edition_is_read_at_its_own_address_in_spanish(client, family):
    original, edition = family()
    url = edition.get_absolute_url()
    assert url == f"/es/noticias/2011/05/26/{edition.slug}/"
    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Language"] == "es"
    assert '<html lang="es">' in html
    assert "WASHINGTON, 26 de mayo de 2011 —" in html
    assert "26 de mayo de 2011" in html  # the page's date
    # the English page is in English, and names the Spanish edition
    english = client.get(original.get_absolute_url()).content.decode()
    assert '<html lang="en">' in english and "WASHINGTON, May 26, 2011 —" in english
    assert f'href="{url}" hreflang="es" lang="es">Español</a>' in english


def test_each_member_names_every_live_member_and_the_original_as_x_default(client, family):
    original, edition = family()
    base = "http://testserver"
    expected = {
        "en": base + original.get_absolute_url(),
        "es": base + edition.get_absolute_url(),
        "x-default": base + original.get_absolute_url(),
    }
    for member in (original, edition):
        assert alternates(client.get(member.get_absolute_url()).content.decode()) == expected


@pytest.mark.parametrize(
    "state",
    ["draft", "in_review", "scheduled", "withdrawn", "expired"],
)
def test_an_edition_not_live_is_never_named_on_the_live_page(client, family, state):
    now = timezone.now()
    fields = {
        "draft": {"spanish_status": Release.Status.DRAFT},
        "in_review": {"spanish_status": Release.Status.IN_REVIEW},
        "scheduled": {"spanish_publish_at": now + datetime.timedelta(hours=2)},
        "withdrawn": {"spanish_status": Release.Status.WITHDRAWN},
        "expired": {"expire_at": now - datetime.timedelta(minutes=1)},
    }[state]
    original, edition = family(**fields)
    assert not edition.is_live
    english = client.get(original.get_absolute_url()).content.decode()
    assert edition.slug not in english and edition.title not in english
    assert "Español</a>" not in english.split("<main", 1)[1]  # no switcher; the header's stays
    assert alternates(english) == {}
    assert client.get(edition.get_absolute_url()).status_code == 404
    for path in ("/es/noticias/", "/es/noticias/feed/", "/sitemap-releases.xml"):
        assert edition.slug not in client.get(path).content.decode()


def test_the_switcher_appears_when_the_edition_goes_live_at_its_minute(client, family):
    with time_machine.travel(NOW, tick=False):
        original, edition = family(spanish_publish_at=NOW + datetime.timedelta(minutes=5))
        before = client.get(original.get_absolute_url()).content.decode()
        assert edition.slug not in before
    with time_machine.travel(NOW + datetime.timedelta(minutes=5, seconds=2), tick=False):
        after = client.get(original.get_absolute_url()).content.decode()
        assert edition.get_absolute_url() in after


def test_lists_feeds_and_archives_show_one_language_each(client, family):
    original, edition = family()
    english = [client.get(p).content.decode() for p in ("/news/", "/news/feed/", "/news/2011/05/")]
    spanish = [
        client.get(p).content.decode()
        for p in ("/es/noticias/", "/es/noticias/feed/", "/es/noticias/2011/05/")
    ]
    for page in english:
        assert original.title in page and edition.title not in page
    for page in spanish:
        assert edition.title in page and original.title not in page
    assert "<language>es</language>" in spanish[1]
    assert client.get("/es/noticias/temas/ports/").status_code == 200
    assert edition.title in client.get("/es/noticias/temas/ports/").content.decode()


def test_search_finds_an_edition_in_its_own_language(client, family):
    original, edition = family()
    found = client.get("/es/noticias/buscar/", {"q": "puertos"}).content.decode()
    assert edition.title in found
    assert edition.title not in client.get("/news/search/", {"q": "puertos"}).content.decode()


def test_an_edition_asked_for_under_the_english_address_is_sent_to_its_own(client, family):
    original, edition = family()
    wrong = edition.get_absolute_url().replace("/es/noticias/", "/news/")
    response = client.get(wrong)
    assert response.status_code == 301 and response["Location"] == edition.get_absolute_url()


def test_sitemap_alternates_are_reciprocal(client, family, make_release):
    family()
    make_release("Alone in English")
    tree = ET.fromstring(client.get("/sitemap-releases.xml").content)
    links = {}
    for node in tree.findall("s:url", SITEMAP_NS):
        loc = node.find("s:loc", SITEMAP_NS).text
        links[loc] = {
            link.get("hreflang"): link.get("href") for link in node.findall("x:link", SITEMAP_NS)
        }
    with_alternates = {loc: alt for loc, alt in links.items() if alt}
    assert len(with_alternates) == 2 and len(links) == 3
    for loc, alt in with_alternates.items():
        assert loc in alt.values()
        for lang, href in alt.items():
            assert links[href] == alt, f"{href} ({lang}) does not link back to {loc}"
