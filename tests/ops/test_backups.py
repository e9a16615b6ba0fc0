"""Backups that restore: the drill (backup, wipe, restore) on PostgreSQL, and the refusals that
keep a restore from overwriting a live site or trusting a damaged backup."""

import datetime
import hashlib
import hmac
import json
import re
import shutil
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection
from reversion.models import Version

from articles.editorial.previews import create_preview_link
from articles.editorial.workflow import clear, take_step
from articles.models import (
    AuditEntry,
    Correction,
    Image,
    PublicChange,
    PublicChangeCounter,
    Release,
    SignOff,
)
from tests.support import NOT_LIVE, NOW, crawl

# Each test empties the whole database after itself (a transactional test): the full suite runs
# them, the quick loop leaves them out.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


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
    clear(draft, User.objects.create_user("legal", is_superuser=True), note="Cleared for legal.")
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
        "clearance": sorted(
            SignOff.objects.values_list("release_id", "name", "user__username", "fingerprint")
        ),
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


def test_after_a_restore_no_server_serves_what_it_cached_before(client, make_release, page_cache):
    """Another server read change numbers the restored log never reached: the restore numbers
    on from past them and marks the site changed, so that server's pages are all stale."""
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


def _resign(folder, manifest):
    """Rewrite a manifest the way someone holding the backup key would: still authentic."""
    raw = json.dumps(manifest, indent=2).encode()
    (folder / "manifest.json").write_bytes(raw)
    signature = hmac.new(settings.BACKUP_KEY.encode(), raw, hashlib.sha256).hexdigest()
    (folder / "manifest.hmac").write_text(signature)


def _sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _planted(folder, name, content=b"not part of the backup"):
    """A file beside (or inside) the backup, listed in the manifest with its true checksum."""
    manifest = json.loads((folder / "manifest.json").read_text())
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    manifest["files"][name] = hashlib.sha256(content).hexdigest()
    return manifest


@pytest.mark.parametrize(
    "name", ["media/../../outside.txt", "../outside.txt", "elsewhere/notes.txt"]
)
def test_a_restore_refuses_a_name_outside_the_backup_before_touching_anything(
    make_release, library_image, tmp_path, name
):
    release = make_release("As backed up")
    library_image()
    call_command("backup", str(tmp_path / "backups"))
    [folder] = (tmp_path / "backups").iterdir()
    Release.objects.filter(pk=release.pk).update(title="Edited since")
    media = _media_checksums()
    _resign(folder, _planted(folder, name))
    with pytest.raises(CommandError, match=re.escape(repr(name))):
        call_command("restore", str(folder), force=True)
    assert Release.objects.get().title == "Edited since", "the database was not replaced"
    assert _media_checksums() == media, "nor the media"


@pytest.mark.parametrize("where", ["/etc/hostname", "media//x", "media/./x"])
def test_a_restore_refuses_absolute_and_unnormal_names(make_release, tmp_path, where):
    make_release("As backed up")
    call_command("backup", str(tmp_path))
    [folder] = tmp_path.iterdir()
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["files"][where] = "0" * 64
    _resign(folder, manifest)
    with pytest.raises(CommandError, match="may not"):
        call_command("restore", str(folder), force=True)
    manifest["files"].pop(where)
    manifest["database"]["file"] = "../database.sqlite3"
    _resign(folder, manifest)
    with pytest.raises(CommandError, match="may not"):
        call_command("restore", str(folder), force=True)
    assert Release.objects.get().title == "As backed up"


def test_a_restore_refuses_a_manifest_changed_without_the_backup_key(
    make_release, tmp_path, settings
):
    release = make_release("As backed up")
    call_command("backup", str(tmp_path))
    [folder] = tmp_path.iterdir()
    Release.objects.filter(pk=release.pk).update(title="Edited since")
    # A file slipped into the backup, listed with its true checksum, but not signed.
    manifest = _planted(folder, "media/renditions/x/480.webp", b"slipped in")
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2))
    with pytest.raises(CommandError, match="not signed with this BACKUP_KEY"):
        call_command("restore", str(folder), force=True)
    (folder / "manifest.hmac").unlink()
    with pytest.raises(CommandError, match="no signature"):
        call_command("restore", str(folder), force=True)
    assert Release.objects.get().title == "Edited since"
    assert not Path(settings.MEDIA_ROOT, "renditions/x/480.webp").exists()


def test_a_backup_written_under_another_key_is_refused(make_release, tmp_path, settings):
    make_release("As backed up")
    call_command("backup", str(tmp_path))
    [folder] = tmp_path.iterdir()
    settings.BACKUP_KEY = "another-key-" + "z" * 40
    with pytest.raises(CommandError, match="not signed with this BACKUP_KEY"):
        call_command("restore", str(folder), force=True)


def test_backup_and_restore_need_a_backup_key(make_release, tmp_path, settings):
    make_release("Here")
    settings.BACKUP_KEY = ""
    with pytest.raises(CommandError, match="BACKUP_KEY is not set"):
        call_command("backup", str(tmp_path))
    assert list(tmp_path.iterdir()) == [], "nothing written"
    with pytest.raises(CommandError, match="BACKUP_KEY is not set"):
        call_command("restore", str(tmp_path / "any"))
    settings.BACKUP_KEY = "short"
    with pytest.raises(CommandError, match="at least 32 characters"):
        call_command("backup", str(tmp_path))


def test_a_restore_that_fails_in_the_media_still_numbers_the_change_log_on(
    make_release, library_image, tmp_path, monkeypatch
):
    make_release("As backed up")
    library_image()
    call_command("backup", str(tmp_path))
    [folder] = tmp_path.iterdir()
    before = PublicChange.objects.latest_seq()
    saves = []

    def disk_full(name, content, *args, **kwargs):
        saves.append(name)
        if len(saves) == 2:
            raise OSError(28, "No space left on device")
        return original(name, content, *args, **kwargs)

    original = default_storage.save
    monkeypatch.setattr(default_storage, "save", disk_full)
    with pytest.raises(CommandError, match="No space left on device"):
        call_command("restore", str(folder), force=True)
    assert PublicChange.objects.latest_seq() > before + 1000, "numbered on past every server"
    assert PublicChange.objects.filter(key="site", seq=PublicChange.objects.latest_seq()).exists()


def test_an_unsigned_backup_restores_only_when_asked_and_still_within_its_folder(
    make_release, tmp_path, settings
):
    release = make_release("As backed up")
    call_command("backup", str(tmp_path / "backups"))
    [folder] = (tmp_path / "backups").iterdir()
    (folder / "manifest.hmac").unlink()  # as a backup written before backups were signed
    Release.objects.filter(pk=release.pk).update(title="Edited since")
    manifest = json.loads((folder / "manifest.json").read_text())
    (folder / "manifest.json").write_text(json.dumps(_planted(folder, "media/../../x.txt")))
    with pytest.raises(CommandError, match="may not"):
        call_command("restore", str(folder), force=True, unsigned=True)
    secret = tmp_path / "secret.txt"
    secret.write_text("outside the backup")
    linked = dict(manifest, files={**manifest["files"], "media/link.txt": _sha(secret)})
    (folder / "media").mkdir(exist_ok=True)
    (folder / "media/link.txt").symlink_to(secret)
    (folder / "manifest.json").write_text(json.dumps(linked))
    with pytest.raises(CommandError, match="leads outside the backup"):
        call_command("restore", str(folder), force=True, unsigned=True)
    (folder / "media/link.txt").unlink()
    (folder / "manifest.json").write_text(json.dumps(manifest))
    settings.BACKUP_KEY = ""  # a key that was lost with the machine
    call_command("restore", str(folder), force=True, unsigned=True)
    assert Release.objects.get().title == "As backed up"
