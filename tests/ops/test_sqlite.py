"""SQLite, the embedded database, with the site and the alert worker writing at once.

SQLite lets one connection write at a time. A transaction that begins by reading and then
writes (as every workflow step does) cannot wait its turn: if another writer is committing
meanwhile, SQLite refuses at once with "database is locked" rather than risk a deadlock. A
publisher withdrawing a release while the worker marked messages sent saw exactly that."""

import sqlite3
import threading
import time

import pytest
from django.db import connection, transaction

from articles.models import Release

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'sqlite'", reason="about SQLite's locks"),
]


def test_a_transaction_that_reads_then_writes_waits_for_another_writer(make_release):
    release = make_release()
    step_read = threading.Event()

    def other_writer():  # the worker, say: it writes, and commits while the step is reading
        other = sqlite3.connect(connection.settings_dict["NAME"], timeout=10)
        other.execute("BEGIN IMMEDIATE")
        other.execute("UPDATE articles_release SET title = title WHERE id = ?", (release.pk,))
        other_wrote.set()
        step_read.wait(0.5)
        other.execute("COMMIT")
        other.close()

    other_wrote = threading.Event()
    thread = threading.Thread(target=other_writer)
    thread.start()
    assert other_wrote.wait(5)
    try:
        with transaction.atomic():  # as a workflow step: read the row, then change it
            Release.objects.get(pk=release.pk)
            step_read.set()
            time.sleep(0.2)  # the other writer is committing now
            Release.objects.filter(pk=release.pk).update(title="Changed while the worker wrote")
    finally:
        thread.join(10)

    release.refresh_from_db()
    assert release.title == "Changed while the worker wrote"
