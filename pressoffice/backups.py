"""Backups that restore: a consistent snapshot of the database and every media file, with a
manifest of checksums; and the way back, into an empty database and storage only unless told.

    manage.py backup /var/backups/pressoffice       # writes <dir>/pressoffice-<UTC time>/
    manage.py restore /var/backups/pressoffice/pressoffice-20261202T0300Z [--force]

The database is dumped first (PostgreSQL: `pg_dump` custom format, one snapshot; SQLite: the
online backup API), then the media are copied through the storage API, from the disk or a
bucket alike. A photo uploaded while the media are copied may be in the copy without its row;
one deleted meanwhile may be missing from it: run backups when nobody is uploading, or accept
that (the photo's row survives, its files do not).
"""

import datetime
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import connection

FORMAT = 1
MANIFEST = "manifest.json"


class BackupError(Exception):
    """A readable reason a backup or restore cannot go on; nothing half-done is left behind."""


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


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
    created = datetime.datetime.now(datetime.UTC)
    folder = Path(into) / f"pressoffice-{created:%Y%m%dT%H%M%S%fZ}"
    partial = folder.with_name(folder.name + ".partial")
    partial.mkdir(parents=True)
    try:
        db = settings.DATABASES["default"]
        if connection.vendor == "postgresql":
            database_file = "database.dump"
            args, env = _postgres_args(db)
            _run(["pg_dump", "--format=custom", "--no-owner", "--file",
                  str(partial / database_file), *args], env)  # fmt: skip
        elif connection.vendor == "sqlite":
            database_file = "database.sqlite3"
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
        (partial / MANIFEST).write_text(json.dumps(manifest, indent=2))
        partial.rename(folder)  # whole, or not there at all
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return folder


def verify(folder):
    """The manifest, once every file in it is present with its checksum; else BackupError."""
    folder = Path(folder)
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError) as error:
        raise BackupError(f"{folder} has no readable {MANIFEST}: {error}") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{folder} is a backup in a format this version cannot read")
    for name, checksum in manifest["files"].items():
        path = folder / name
        if not path.is_file():
            raise BackupError(f"{name} is missing from the backup")
        if _sha256(path) != checksum:
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


def restore(folder, force=False):
    """Bring a verified backup back. Refuses a database or storage that holds anything unless
    `force`; then what is there is replaced."""
    folder = Path(folder)
    manifest = verify(folder)
    vendor = manifest["database"]["vendor"]
    if vendor != connection.vendor:
        raise BackupError(f"this is a {vendor} backup; the target database is {connection.vendor}")
    if not force:
        if not _database_is_empty():
            raise BackupError("the target database is not empty (use --force to replace it)")
        if _media_names(default_storage):
            raise BackupError("the target media storage is not empty (use --force to replace it)")
    database_file = folder / manifest["database"]["file"]
    if vendor == "postgresql":
        connection.close()
        args, env = _postgres_args(settings.DATABASES["default"])
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
              *args, str(database_file)], env)  # fmt: skip
    else:
        connection.ensure_connection()
        with sqlite3.connect(database_file) as source:
            source.backup(connection.connection)
    for name in manifest["files"]:
        if not name.startswith("media/"):
            continue
        stored = name.removeprefix("media/")
        if default_storage.exists(stored):
            default_storage.delete(stored)
        with open(folder / name, "rb") as source:
            saved = default_storage.save(stored, File(source))
        if saved != stored:
            raise BackupError(f"{stored} was stored as {saved}: the storage renamed it")
    _announce_restore()
    return manifest


def _announce_restore():
    """Every server's page cache must forget what it held: the restored change log may be
    behind what they read. A `site` change numbered past anything they saw says so."""
    from articles.models import PublicChange
    from articles.public import caching

    PublicChange.objects.start_over()
    caching.forget()
