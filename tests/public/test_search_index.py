"""SQLite's full-text index (articles/public/search_index.py) follows every way a release is
written, and comes back complete when a migration's table rebuild has dropped its triggers."""

import pytest
from django.db import connection

from articles.models import Release
from articles.public.search import search
from articles.public.search_index import ensure_index

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "sqlite", reason="PostgreSQL has its own index (migration 0002)"
    ),
]


def found(text):
    return sorted(release.title for release in search(Release.objects.all(), text))


def test_words_match_as_prefixes_and_stems_in_any_field(make_release):
    make_release("Harbor dredging begins", summary="Crews start work.", body="<p>Café open.</p>")
    assert found("harbors") == found("harbor") == found("dredged") == ["Harbor dredging begins"]
    assert found("crews cafe") == ["Harbor dredging begins"]  # every word, in any field
    assert found("harbor nowhere") == []


def test_the_index_follows_saves_updates_bulk_writes_and_deletes(make_release):
    release = make_release("Original headline")
    assert found("original") == ["Original headline"]

    release.title = "Edited headline"
    release.save()
    assert found("original") == [] and found("edited") == ["Edited headline"]

    Release.objects.filter(pk=release.pk).update(body="<p>Lighthouse repairs.</p>")
    assert found("lighthouse") == ["Edited headline"]

    bulk = Release(title="Bulk loaded", slug="bulk", body="<p>Ferry.</p>", office=release.office)
    Release.objects.bulk_create([bulk])
    assert found("ferry") == ["Bulk loaded"]

    Release.objects.filter(slug="bulk").delete()
    assert found("ferry") == []


def test_a_table_rebuild_that_drops_the_triggers_is_repaired_and_reindexed(make_release):
    make_release("Before the rebuild")
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        for (name,) in cursor.fetchall():
            if name.startswith("articles_release_fts"):
                cursor.execute(f"DROP TRIGGER {name}")
    make_release("During the gap")  # written while nothing kept the index
    assert found("gap") == []

    ensure_index(connection)  # what runs after every migrate
    assert found("gap") == ["During the gap"]
    make_release("After the repair")
    assert found("repair") == ["After the repair"]
