"""A release's page: dateline, body, office, tags, share and follow links, metadata for search
engines and social networks, and its related and neighbouring releases."""

import datetime
import re
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.conf import settings

from articles.models import SocialLink
from tests.support import NOW, OFFICE_TZ, local, outline

pytestmark = pytest.mark.django_db


def test_detail_page_leads_with_the_dateline_in_office_time(client, make_release):
    release = make_release(
        "Late-night statement",
        dateline="Washington",
        body="<p>The Secretary spoke.</p><p>Second paragraph.</p>",
        publish_at=datetime.datetime(2011, 5, 26, 23, 30, tzinfo=OFFICE_TZ),
        byline="By Jane Doe",
        release_number="No. 123-11",
    )
    assert release.get_absolute_url() == "/news/2011/05/26/late-night-statement/"
    response = client.get(release.get_absolute_url())
    assert response.status_code == 200
    assert (
        '<p><span class="dateline">WASHINGTON, May 26, 2011 —</span> The Secretary spoke.</p>'
        in response.text
    )
    assert "By Jane Doe" in response.text
    assert "No. 123-11" in response.text
    assert ("h1", "Late-night statement") in outline(response).headings


def test_detail_page_shows_office_tags_share_and_follow_links(client, make_release, office):
    office.contact_phone = "+1 202 555 0100"
    office.save()
    SocialLink.objects.create(platform="facebook", url="https://facebook.example/office", order=1)
    SocialLink.objects.create(platform="x", url="https://x.example/office", order=2)
    SocialLink.objects.create(platform="youtube", url="https://yt.example/o", active=False)
    release = make_release("Share me & more", tags=["Defense", "Trade Policy"])

    response = client.get(release.get_absolute_url())
    page = outline(response)
    assert "Office of Public Affairs" in response.text
    assert "Department of Examples" in response.text
    assert "press@example.gov" in response.text
    assert "/news/tags/defense/" in page.links
    assert "/news/tags/trade-policy/" in page.links

    share = {urlsplit(link).netloc or urlsplit(link).scheme: link for link in page.links}
    detail_url = "http://testserver" + release.get_absolute_url()
    assert parse_qs(urlsplit(share["www.facebook.com"]).query)["u"] == [detail_url]
    assert parse_qs(urlsplit(share["x.com"]).query) == {
        "url": [detail_url],
        "text": ["Share me & more"],
    }
    mail = parse_qs(urlsplit(share["mailto"]).query)
    assert mail == {"subject": ["Share me & more"], "body": [detail_url]}
    assert "+" not in share["mailto"]

    assert re.search(r"Follow us on <a [^>]*>Facebook</a> and <a [^>]*>X</a></p>", response.text), (
        "active links only, in order, joined in words"
    )
    assert "yt.example" not in response.text


def test_detail_at_a_wrong_date_redirects_to_the_canonical_address(client, make_release):
    release = make_release("Moved date", publish_at=datetime.datetime(2026, 1, 5, tzinfo=OFFICE_TZ))
    response = client.get("/news/2026/01/04/moved-date/")
    assert response.status_code == 301
    assert response["Location"] == release.get_absolute_url()


@pytest.mark.parametrize(
    ("place", "shown"),
    [("Washington", "WASHINGTON"), ("FORT BRAGG, N.C.", "FORT BRAGG, N.C."),
     ("Kabul, Afghanistan", "KABUL, Afghanistan")],
)  # fmt: skip
def test_dateline_city_is_in_capitals_on_list_and_detail(client, make_release, place, shown):
    release = make_release(
        dateline=place, publish_at=datetime.datetime(2020, 3, 4, tzinfo=OFFICE_TZ)
    )
    assert f'<span class="dateline">{shown} —</span>' in client.get("/news/").text
    detail = client.get(release.get_absolute_url()).text
    assert f'<span class="dateline">{shown}, March 4, 2020 —</span>' in detail


def test_detail_page_metadata_for_search_engines_and_social_networks(client, make_release):
    release = make_release(
        'A "quoted" </script><script>alert(1)</script> title',
        summary="The lead sentence.",
        tags=["Trade"],
        byline="By Jane Doe",
    )
    response = client.get(release.get_absolute_url())
    page = outline(response)
    url = "http://testserver" + release.get_absolute_url()
    assert {"rel": "canonical", "href": url} in page.head_links
    assert page.meta["description"] == ["The lead sentence."]
    assert page.meta["og:title"] == [release.title]
    assert page.meta["og:url"] == [url]
    assert page.meta["og:type"] == ["article"]
    assert page.meta["og:image"] == ["http://testserver/static/img/og-default.png"]
    assert page.meta["twitter:card"] == ["summary_large_image"]
    assert page.meta["article:tag"] == ["Trade"]
    [data] = page.json_ld
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == release.title, "the </script> in the title did not break out"
    assert data["author"] == {"@type": "Person", "name": "By Jane Doe", "url": "http://testserver/"}
    assert data["publisher"]["url"] == "http://testserver/"
    assert data["image"] == ["http://testserver/static/img/og-default.png"]
    assert (
        page.meta["og:image:alt"]
        == page.meta["twitter:image:alt"]
        == [f"{settings.SITE_NAME}: news release"]
    )
    assert data["publisher"]["name"] == "Office of Public Affairs"
    assert data["publisher"]["parentOrganization"]["name"] == "Department of Examples"
    assert data["datePublished"] == release.publish_at.isoformat()
    assert response.text.count("<script") == 1


def test_related_releases_share_tags_and_are_live(client, make_release):
    with time_machine.travel(NOW, tick=False):
        release = make_release("Subject", tags=["a", "b"], publish_at=local(2026, 11, 10, 9))
        make_release("Shares two", tags=["a", "b"], publish_at=local(2026, 11, 1, 9))
        make_release("Shares one", tags=["b"], publish_at=local(2026, 11, 9, 9))
        make_release("Shares none", tags=["c"], publish_at=local(2026, 11, 11, 9))
        make_release("Draft sharing", tags=["a", "b"], status="draft")
        response = client.get(release.get_absolute_url())
    # Newest first among those sharing a tag; drafts and unrelated releases never.
    assert [r.title for r in response.context_data["related"]] == ["Shares one", "Shares two"]
    assert response.context_data["previous_release"].title == "Shares one"
    assert response.context_data["next_release"].title == "Shares none"
    assert 'rel="prev"' in response.text and 'rel="next"' in response.text


def test_older_and_newer_links_break_ties_in_publish_time_by_id(client, make_release):
    moment = local(2026, 11, 10, 9)
    first, second, third = (make_release(f"Same minute {n}", publish_at=moment) for n in range(3))
    response = client.get(second.get_absolute_url())
    assert response.context_data["previous_release"].url == first.get_absolute_url()
    assert response.context_data["next_release"].url == third.get_absolute_url()
