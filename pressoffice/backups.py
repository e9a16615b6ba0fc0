"""Backups that restore: a consistent snapshot of the database and every media file, with a
manifest of checksums; and the way back, into an empty database and storage only unless told.

    manage.py backup /var/backups/pressoffice       # writes <dir>/pressoffice-<UTC time>/
    manage.py restore /var/backups/pressoffice/pressoffice-20261202T0300Z [--force]

A backup is only as trustworthy as the place it is kept, so the manifest is signed
(HMAC-SHA256) with BACKUP_KEY, a key that lives in the environment and never in a backup: a
restore believes a manifest's names and checksums only when the signature holds, and even then
reads nothing but the database file and files under media/ inside the backup's own folder.

The database is dumped first (PostgreSQL: `pg_dump` custom format, one snapshot; SQLite: the
online backup API), then the media are copied through the storage API, from the disk or a
bucket alike. A photo uploaded while the media are copied may be in the copy without its row;
one deleted meanwhile may be missing from it: run backups when nobody is uploading, or accept
that (the photo's row survives, its files do not).
"""

import datetime
import hashlib
import hmac
import json
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import connection

FORMAT = 1
MANIFEST = "manifest.json"
SIGNATURE = "manifest.hmac"
DATABASE_FILES = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
MIN_KEY_LENGTH = 32


class BackupError(Exception):
    """A readable reason a backup or restore cannot go on; nothing half-done is left behind."""


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _key():
    """BACKUP_KEY as bytes, or a BackupError that says how to set it."""
    key = settings.BACKUP_KEY
    if not key:
        raise BackupError(
            "BACKUP_KEY is not set: backups are signed with it. Set it in the environment "
            "(python3 -c 'import secrets; print(secrets.token_urlsafe(32))') and keep a copy "
            "apart from the backups"
        )
    if len(key) < MIN_KEY_LENGTH:
        raise BackupError(f"BACKUP_KEY must be at least {MIN_KEY_LENGTH} characters long")
    return key.encode()


def _signature(raw):
    return hmac.new(_key(), raw, hashlib.sha256).hexdigest()


def _check_signature(folder, raw):
    try:
        signature = (folder / SIGNATURE).read_text().strip()
    except OSError:
        raise BackupError(
            f"{folder} has no signature ({SIGNATURE}): it was written before backups were "
            "signed, or the signature was removed. Restore it with --unsigned only if you "
            "know where it has been"
        ) from None
    if not hmac.compare_digest(signature, _signature(raw)):
        raise BackupError(
            f"{MANIFEST} is not signed with this BACKUP_KEY: it was changed after the backup "
            "was written, or written under another key; nothing was restored"
        )


def _checked_names(manifest):
    """The manifest's file names, once each is one this version writes: the database file, or a
    relative, normalised path under media/. Anything else is refused before a file is read."""
    try:
        vendor, database_file = manifest["database"]["vendor"], manifest["database"]["file"]
        names = list(manifest["files"])
    except (KeyError, TypeError):
        raise BackupError(f"{MANIFEST} is not the manifest of a backup") from None
    expected = DATABASE_FILES.get(vendor)
    for name in [database_file, *names]:
        path = PurePosixPath(name) if isinstance(name, str) else None
        allowed = (
            path is not None
            and not path.is_absolute()
            and name == path.as_posix()
            and "\\" not in name
            and "\0" not in name
            and not {".", ".."} & set(path.parts)
            and (name == expected or (path.parts[0] == "media" and len(path.parts) > 1))
        )
        if not allowed:
            raise BackupError(
                f"the backup names a file it may not: {name!r} (only {expected or 'the database'}"
                " and files under media/, inside the backup); nothing was changed"
            )
    if database_file not in names:
        raise BackupError(f"{database_file} is missing from the backup")
    return names


def _media_names(storage, folder=""):
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return []
    names = [f"{folder}/{name}" if folder else name for name in files]
    for sub in folders:
        names += _media_names(storage, f"{folder}/{sub}" if folder else sub)
    return sorted(names)


def _postgres_args(db):
    args = ["--dbname", db["NAME"]]
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if db.get(key):
            args += [option, str(db[key])]
    env = {**os.environ, **({"PGPASSWORD": db["PASSWORD"]} if db.get("PASSWORD") else {})}
    return args, env


def _run(command, env=None):
    try:
        result = subprocess.run(command, env=env, capture_output=True, text=True)
    except FileNotFoundError:
        raise BackupError(
            f"{command[0]} is not installed (apt-get install postgresql-client)"
        ) from None
    if result.returncode:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()}")


def backup(into):
    """Write a snapshot under `into`; returns its folder."""
    _key()  # before anything is written
    created = datetime.datetime.now(datetime.UTC)
    folder = Path(into) / f"pressoffice-{created:%Y%m%dT%H%M%S%fZ}"
    partial = folder.with_name(folder.name + ".partial")
    partial.mkdir(parents=True)
    try:
        db = settings.DATABASES["default"]
        database_file = DATABASE_FILES.get(connection.vendor)
        if connection.vendor == "postgresql":
            args, env = _postgres_args(db)
            _run(["pg_dump", "--format=custom", "--no-owner", "--file",
                  str(partial / database_file), *args], env)  # fmt: skip
        elif connection.vendor == "sqlite":
            connection.ensure_connection()
            with sqlite3.connect(partial / database_file) as target:
                connection.connection.backup(target)  # a consistent copy while others write
        else:
            raise BackupError(f"backups of a {connection.vendor} database are not supported")
        for name in _media_names(default_storage):
            target = partial / "media" / name
            target.parent.mkdir(parents=True, exist_ok=True)
            with default_storage.open(name, "rb") as source, open(target, "wb") as out:
                shutil.copyfileobj(source, out)
        files = {
            path.relative_to(partial).as_posix(): _sha256(path)
            for path in sorted(partial.rglob("*"))
            if path.is_file()
        }
        manifest = {
            "format": FORMAT,
            "created": created.isoformat(),
            "database": {"vendor": connection.vendor, "file": database_file},
            "files": files,
        }
        raw = json.dumps(manifest, indent=2).encode()
        (partial / MANIFEST).write_bytes(raw)
        (partial / SIGNATURE).write_text(_signature(raw) + "\n")
        partial.rename(folder)  # whole, or not there at all
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return folder


def verify(folder, unsigned=False):
    """The manifest, once its signature holds (unless `unsigned`), its names are ones a backup
    writes, and every file in it is present with its checksum; else BackupError."""
    folder = Path(folder)
    if not unsigned:
        _key()
    try:
        raw = (folder / MANIFEST).read_bytes()
    except OSError as error:
        raise BackupError(f"{folder} has no readable {MANIFEST}: {error}") from None
    if not unsigned:
        _check_signature(folder, raw)
    try:
        manifest = json.loads(raw)
    except ValueError as error:
        raise BackupError(f"{folder} has no readable {MANIFEST}: {error}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{folder} is a backup in a format this version cannot read")
    root = folder.resolve()
    for name in _checked_names(manifest):
        path = folder / name
        if not path.is_file():
            raise BackupError(f"{name} is missing from the backup")
        if path.is_symlink() or not path.resolve().is_relative_to(root):
            raise BackupError(f"{name} leads outside the backup; nothing was changed")
        if _sha256(path) != manifest["files"][name]:
            raise BackupError(f"{name} does not match its checksum: the backup is damaged")
    return manifest


def _database_is_empty():
    tables = set(connection.introspection.table_names())
    if "articles_release" not in tables:
        return True
    with connection.cursor() as cursor:
        for table in ("articles_release", "articles_image", "auth_user"):
            if table in tables:
                cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")
                if cursor.fetchone():
                    return False
    return True


def restore(folder, force=False, unsigned=False):
    """Bring a verified backup back. Refuses a database or storage that holds anything unless
    `force`; then what is there is replaced. Once the database is replaced, the change log is
    numbered on whatever happens to the media, or servers would keep serving old pages."""
    folder = Path(folder)
    manifest = verify(folder, unsigned=unsigned)
    vendor = manifest["database"]["vendor"]
    if vendor != connection.vendor:
        raise BackupError(f"this is a {vendor} backup; the target database is {connection.vendor}")
    if not force:
        if not _database_is_empty():
            raise BackupError("the target database is not empty (use --force to replace it)")
        if _media_names(default_storage):
            raise BackupError("the target media storage is not empty (use --force to replace it)")
    _restore_database(vendor, folder / manifest["database"]["file"])
    try:
        _restore_media(folder, manifest)
    finally:
        _announce_restore()
    return manifest


def _restore_database(vendor, database_file):
    if vendor == "postgresql":
        connection.close()
        args, env = _postgres_args(settings.DATABASES["default"])
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
              *args, str(database_file)], env)  # fmt: skip
    else:
        connection.ensure_connection()
        with sqlite3.connect(database_file) as source:
            source.backup(connection.connection)


def _restore_media(folder, manifest):
    for name in manifest["files"]:
        if not name.startswith("media/"):
            continue
        stored = name.removeprefix("media/")
        try:
            if default_storage.exists(stored):
                default_storage.delete(stored)
            with open(folder / name, "rb") as source:
                saved = default_storage.save(stored, File(source))
        except Exception as error:  # a disk or a bucket alike: the operator's next step is the same
            raise BackupError(
                f"the database is restored, but copying the media stopped at {stored} ({error}); "
                "run the restore again with --force"
            ) from error
        if saved != stored:
            raise BackupError(f"{stored} was stored as {saved}: the storage renamed it")


def _announce_restore():
    """Every server's page cache must forget what it held: the restored change log may be
    behind what they read. A `site` change numbered past anything they saw says so."""
    from articles.models import PublicChange
    from articles.pagecache import caching

    PublicChange.objects.start_over()
    caching.forget()
