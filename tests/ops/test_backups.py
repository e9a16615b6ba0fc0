"""Backups that restore: the drill (backup, wipe, restore) on PostgreSQL, and the refusals that
keep a restore from overwriting a live site or trusting a damaged backup."""

import datetime
import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from reversion.models import Version

from articles.editorial.previews import create_preview_link
from articles.editorial.workflow import take_step
from articles.models import (
    AuditEntry,
    Correction,
    Image,
    PublicChange,
    PublicChangeCounter,
    Release,
)
from tests.support import NOT_LIVE, NOW, crawl

pytestmark = pytest.mark.django_db(transaction=True)


def _site(make_release, library_image, admin_user):
    """Releases in every state, with photos, tags, a correction, revisions and audit steps."""
    for state, fields in NOT_LIVE.items():
        make_release(f"Hidden {state}", tags=[f"hidden-{state}"], **fields)
    photo = library_image(alt_text="Crews on the pier")
    live = make_release("Harbor reopens", tags=["harbors"], lead_image=photo,
                        publish_at=NOW - datetime.timedelta(hours=2))  # fmt: skip
    live.body = f'<p>The harbor reopened.</p><figure><img src="{photo.url()}"></figure>'
    live.save()
    Correction.objects.create(release=live, text="An earlier version gave the wrong date.")
    draft = make_release("Shared with legal", status="draft", tags=["harbors"])
    take_step(draft, "submit", admin_user)
    link = create_preview_link(draft, admin_user, note="Legal review", hours=2)
    return live, draft, link


def _everything(client, live):
    seeds = {"/", "/news/", "/news/feed/", "/news/feed.json", "/sitemap.xml", "/robots.txt",
             live.get_absolute_url(), "/news/search/?q=harbor"}  # fmt: skip
    pages = {}
    for url, response in crawl(client, seeds, 400):
        body = b"".join(response.streaming_content) if response.streaming else response.content
        # A form's CSRF token is new on every response (the subscribe page); the rest is not.
        body = re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", body)
        pages[url] = (response.status_code, body)  # photos included, byte for byte
    return pages


def _records():
    return {
        "versions": sorted(Version.objects.values_list("object_id", "serialized_data")),
        "audit": sorted(
            AuditEntry.objects.values_list("release_id", "action", "from_state", "to_state")
        ),
        "photos": sorted(Image.objects.values_list("key", "alt_text", "width", "height")),
    }


def _media_checksums():
    root = Path(settings.MEDIA_ROOT)
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def _wipe():
    with connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)
    Path(settings.MEDIA_ROOT).mkdir(parents=True)


def test_the_restore_drill_brings_back_every_page_record_share_link_and_photo(
    client, make_release, library_image, admin_user, tmp_path
):
    if connection.vendor != "postgresql":
        pytest.skip("the drill restores a pg_dump (the PostgreSQL pass runs it)")
    with time_machine.travel(NOW, tick=False):
        live, draft, link = _site(make_release, library_image, admin_user)
        before = _everything(client, live)
        records, media = _records(), _media_checksums()
        assert client.get(link.url).status_code == 200
        call_command("backup", str(tmp_path))

    [folder] = tmp_path.iterdir()
    _wipe()
    assert not Path(settings.MEDIA_ROOT).joinpath("renditions").exists()
    call_command("restore", str(folder))

    with time_machine.travel(NOW, tick=False):
        after = _everything(client, live)
        assert client.get(link.url).status_code == 200, "the share link still works"
    assert after.keys() == before.keys() and len(after) >= 15
    assert {url: after[url] for url in after if after[url] != before[url]} == {}
    assert _records() == records
    assert _media_checksums() == media
    with time_machine.travel(link.expires_at + datetime.timedelta(seconds=1), tick=False):
        assert client.get(link.url).status_code == 404, "and still expires"
    assert Release.objects.get(pk=draft.pk).state_label == "In review"


def test_a_restore_refuses_a_target_that_holds_anything_and_a_damaged_backup(
    make_release, tmp_path
):
    make_release("Already here")
    call_command("backup", str(tmp_path))
    [folder] = tmp_path.iterdir()
    with pytest.raises(CommandError, match="database is not empty"):
        call_command("restore", str(folder))
    manifest = json.loads((folder / "manifest.json").read_text())
    database = folder / manifest["database"]["file"]
    database.write_bytes(database.read_bytes() + b"tampered")
    with pytest.raises(CommandError, match="does not match its checksum"):
        call_command("restore", str(folder), force=True)
    with pytest.raises(CommandError, match="no readable manifest.json"):
        call_command("restore", str(tmp_path / "nowhere"))
    assert Release.objects.get().title == "Already here", "nothing was touched"


def test_a_backup_lists_every_file_with_its_checksum(library_image, tmp_path):
    photo = library_image()
    call_command("backup", str(tmp_path))
    [folder] = tmp_path.iterdir()
    manifest = json.loads((folder / "manifest.json").read_text())
    media = {name for name in manifest["files"] if name.startswith("media/")}
    assert f"media/{photo.file.name}" in media
    assert any(name.startswith(f"media/renditions/{photo.key}/") for name in media)
    for name, checksum in manifest["files"].items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == checksum
    assert not list(tmp_path.glob("*.partial")), "only whole backups are left"


def test_after_a_restore_no_server_serves_what_it_cached_before(
    client, make_release, fragment_caching
):
    """Another server read change numbers the restored log never reached: the restore numbers
    on from past them and marks the site changed, so that server's pages are all stale."""
    fragment_caching.PAGE_CACHE_ENABLED = True
    release = make_release("Before the restore")
    for n in range(5):
        PublicChange.objects.record({f"release:{1000 + n}"})
    assert client.get("/news/")["X-Page-Cache"] == "miss"
    assert client.get("/news/")["X-Page-Cache"] == "hit"
    # The restored database: an older log, as a backup taken earlier would hold.
    PublicChange.objects.all().delete()
    PublicChangeCounter.objects.update(value=2)
    Release.objects.filter(pk=release.pk).update(title="As restored")
    PublicChange.objects.start_over()  # what restore does last
    page = client.get("/news/")
    assert page["X-Page-Cache"] == "miss" and "As restored" in page.text
