"""One site address: pages, feeds, sitemaps, robots.txt and mail all link through site_url()."""

import pytest
from django.test import RequestFactory

from articles.addresses import DEVELOPMENT_URL, site_url
from subscriptions.sending.mail import AlertMail

SITE = "https://news.example.gov"


def test_site_url_takes_the_configured_address_then_the_request_then_the_development_server(
    settings,
):
    request = RequestFactory().get("/news/", HTTP_HOST="testserver")
    settings.SITE_URL = SITE
    assert site_url("/news/", request) == f"{SITE}/news/"
    assert site_url("/news/") == f"{SITE}/news/"
    settings.SITE_URL = ""
    assert site_url("/news/", request) == "http://testserver/news/"
    assert site_url("/news/") == f"{DEVELOPMENT_URL}/news/"


@pytest.mark.django_db
def test_every_surface_links_to_the_configured_site(client, settings, make_release):
    settings.SITE_URL = SITE
    release = make_release("One address for every surface", tags=["energy"])
    address = f"{SITE}{release.get_absolute_url()}"

    page = client.get(release.get_absolute_url()).content.decode()
    assert f'<link rel="canonical" href="{address}">' in page
    assert address in client.get("/news/feed/").content.decode()
    assert f"<loc>{address}</loc>" in client.get("/sitemap-releases.xml").content.decode()
    assert f"{SITE}/sitemap-news.xml" in client.get("/robots.txt").content.decode()
    assert address in AlertMail(release).text

    # Neither the host the request came to nor the development server leaks into a link.
    for body in (page, client.get("/news/feed/").content.decode(), AlertMail(release).html):
        assert "testserver" not in body
        assert DEVELOPMENT_URL not in body
