"""Security headers on every public route: a strict Content-Security-Policy, a
Permissions-Policy that denies every powerful feature, cross-origin isolation headers, and a
report endpoint for policy violations that logs, rate-limits and stores nothing."""

import json
import logging

import pytest
from django.core.cache import caches

from tests.public.test_no_leaks import public_route_names

pytestmark = pytest.mark.django_db

CSP = "Content-Security-Policy"
REPORT_URL = "/csp-report/"


@pytest.fixture
def urls(make_release, library_image):
    release = make_release("Harbor dredging begins", tags=["Ports"], lead_image=library_image())
    day = release.local_date
    image = release.lead_image
    return {
        "home": "/",
        "articles:list": "/news/",
        "articles:search": "/news/search/?q=harbor",
        "articles:tag": "/news/tags/ports/",
        "articles:feed": "/news/feed/",
        "articles:feed_atom": "/news/feed/atom/",
        "articles:feed_json": "/news/feed.json",
        "articles:tag_feed": "/news/tags/ports/feed/",
        "articles:tag_feed_atom": "/news/tags/ports/feed/atom/",
        "articles:archive_year": f"/news/{day:%Y}/",
        "articles:archive_month": f"/news/{day:%Y}/{day:%m}/",
        "articles:detail": release.get_absolute_url(),
        "sitemap": "/sitemap.xml",
        "sitemap_news": "/sitemap-news.xml",
        "django.contrib.sitemaps.views.sitemap": "/sitemap-releases.xml",
        "subscriptions:subscribe": "/subscribe/",
        "robots": "/robots.txt",
        "healthz": "/healthz/",
        "readyz": "/readyz/",
        "rendition": image.url(),
        # The read API (tests/api/): readable by other sites' scripts, so cross-origin.
        "api:index": "/api/",
        "api:schema": "/api/schema/",
        "api:releases": "/api/v1/releases/",
        "api:release": f"/api/v1/releases/{release.guid}/",
        "api:topics": "/api/v1/topics/",
        "api:offices": "/api/v1/offices/",
        "csp_report": None,  # POST only; tested below
        "not found": "/no-such-page/",
    }


def directives(response):
    policy = {}
    for part in response[CSP].split(";"):
        name, *values = part.split()
        policy[name] = set(values)
    return policy


def test_every_public_route_is_checked(urls):
    assert public_route_names() <= set(urls), "add the new route to this test"


def test_every_public_route_sends_a_strict_policy_and_the_other_headers(client, urls):
    for name, url in urls.items():
        if url is None:
            continue
        response = client.get(url)
        assert response.status_code in {200, 404}, url
        policy = directives(response)
        assert policy["default-src"] == {"'none'"}, url
        assert policy["frame-ancestors"] == {"'none'"}, url
        assert policy["base-uri"] == {"'none'"}, url
        assert policy["form-action"] == {"'self'"}, url
        assert not ({"script-src", "connect-src", "object-src"} & set(policy)), url
        assert "unsafe" not in response[CSP] and "*" not in response[CSP], url
        assert all(values <= {"'self'", "'none'", REPORT_URL} for values in policy.values()), url

        permissions = response["Permissions-Policy"]
        for feature in ["camera", "microphone", "geolocation", "payment", "usb"]:
            assert f"{feature}=()" in permissions, url
        assert response["Cross-Origin-Opener-Policy"] == "same-origin", url
        shared = name == "rendition" or name.startswith("api:")
        expected = "cross-origin" if shared else "same-origin"
        assert response["Cross-Origin-Resource-Policy"] == expected, url
        assert response["X-Content-Type-Options"] == "nosniff", url
        assert response["Referrer-Policy"] == "same-origin", url


def test_cached_pages_carry_the_headers_too(client, urls, page_cache):
    client.get("/news/")
    response = client.get("/news/")
    assert response["X-Page-Cache"] == "hit"
    assert directives(response)["default-src"] == {"'none'"}
    assert "camera=()" in response["Permissions-Policy"]


def report(client, body, **extra):
    return client.generic("POST", REPORT_URL, body, content_type="application/csp-report", **extra)


VIOLATION = {
    "csp-report": {
        "document-uri": "https://example.gov/news/",
        "violated-directive": "style-src",
        "blocked-uri": "inline",
    }
}


def test_violation_reports_are_logged_and_nothing_is_stored(client, caplog):
    with caplog.at_level(logging.WARNING, logger="pressoffice.csp"):
        response = report(client, json.dumps(VIOLATION))
    assert response.status_code == 204
    assert "style-src" in caplog.text and "https://example.gov/news/" in caplog.text
    assert client.get(REPORT_URL).status_code == 405


def test_violation_reports_are_rate_limited_and_bounded(client, caplog, settings):
    caches["default"].clear()
    settings.CSP_REPORTS_PER_MINUTE = 3
    with caplog.at_level(logging.WARNING, logger="pressoffice.csp"):
        codes = [report(client, json.dumps(VIOLATION)).status_code for _ in range(5)]
    assert codes == [204, 204, 204, 429, 429]
    assert caplog.text.count("style-src") == 3
    caches["default"].clear()
    assert report(client, "x" * 20_000).status_code == 413
    assert report(client, "not json").status_code == 400


def test_staff_pages_send_their_own_policy_with_a_nonce_for_the_editor(
    client, editor_client, make_release
):
    login = client.get("/accounts/login/")
    policy = directives(login)
    assert policy["default-src"] == {"'none'"} and policy["frame-ancestors"] == {"'none'"}
    assert "'unsafe-eval'" not in login[CSP] and "'unsafe-inline'" not in policy["script-src"]

    release = make_release("Editor page")
    page = editor_client.get(f"/admin/articles/release/{release.pk}/change/")
    policy = directives(page)
    nonces = [v for v in policy["script-src"] if v.startswith("'nonce-")]
    assert len(nonces) == 1
    nonce = nonces[0][len("'nonce-") : -1]
    assert f'<script type="importmap" nonce="{nonce}"' in page.text
    assert policy["object-src"] == {"'none'"} and policy["base-uri"] == {"'none'"}
