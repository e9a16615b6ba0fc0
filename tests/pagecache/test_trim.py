"""The change log is trimmed by its own command (and timer), not by publish_due, and never of a
row that a page still in some cache may need (design rule 9)."""

import datetime
import io

import pytest
import time_machine
from django.core.management import call_command

from articles.models import PublicChange, Release
from articles.pagecache import caching
from articles.pagecache.freshness import CHANGES_KEPT, LONGEST
from articles.pagecache.keys import release_key
from tests.support import NOW, ROOT

pytestmark = pytest.mark.django_db
MINUTE = datetime.timedelta(minutes=1)


@pytest.fixture(autouse=True)
def page_cache(fragment_caching):
    fragment_caching.PAGE_CACHE_ENABLED = True


def trim():
    out = io.StringIO()
    call_command("trim_change_log", stdout=out)
    return out.getvalue().strip()


def test_the_trim_keeps_every_row_a_cached_page_may_still_need(client, make_release):
    with time_machine.travel(NOW - CHANGES_KEPT - MINUTE, tick=False) as clock:
        PublicChange.objects.record(["release:0"])  # older than any entry can be
        clock.move_to(NOW)
        release = make_release("Original headline")
        url = release.get_absolute_url()
        assert client.get(url)["X-Page-Cache"] == "miss"
        assert client.get(url)["X-Page-Cache"] == "hit"

        clock.shift(MINUTE)  # another server changes the release; only the log says so
        Release.objects.filter(pk=release.pk).update(title="Renamed elsewhere")
        PublicChange.objects.record([release_key(release.pk)])

        clock.move_to(NOW + LONGEST - MINUTE)  # the cached page may still be served
        call_command("publish_due", stdout=io.StringIO())
        assert PublicChange.objects.filter(key="release:0").exists(), "publish_due trims nothing"
        recent = set(PublicChange.objects.filter(at__gte=NOW).values_list("pk", flat=True))
        assert trim() == "1 old change log row(s) forgotten."
        assert set(PublicChange.objects.values_list("pk", flat=True)) == recent

        caching.forget()  # a server starting now reads only the log's last LONGEST
        page = client.get(url)
        assert page["X-Page-Cache"] == "miss" and "Renamed elsewhere" in page.text
        assert trim() == "0 old change log row(s) forgotten."


def test_the_trim_has_a_timer_of_its_own_that_the_guide_installs():
    service = (ROOT / "deploy/systemd/pressoffice-trim.service").read_text()
    timer = (ROOT / "deploy/systemd/pressoffice-trim.timer").read_text()
    publish = (ROOT / "deploy/systemd/pressoffice-publish.service").read_text()
    assert "manage.py trim_change_log" in service and "trim_change_log" not in publish
    assert "OnCalendar=hourly" in timer and "Persistent=true" in timer
    guide = (ROOT / "docs/deploy.md").read_text()
    for unit in ("pressoffice-trim.service", "pressoffice-trim.timer"):
        assert f"deploy/systemd/{unit}" in guide, unit
    assert "pressoffice-trim.timer" in guide.split("systemctl enable --now", 1)[1]
