"""Full-text search on SQLite: an FTS5 index of release titles, summaries and bodies.

An external-content FTS5 table kept in step by triggers, so every write path (the admin, the
importer, bulk loads, raw SQL) updates it. It lives outside the model's columns and the
migrations: Django rebuilds a table to alter it on SQLite, and the old table's triggers go
with it. So, like the roles, it is put in place after every migrate, and rebuilt whenever a
trigger had to be recreated. PostgreSQL uses its own index (migration 0002).
"""

TABLE = "articles_release_fts"

_CREATE_TABLE = f"""
    CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5(
        title, summary, body,
        content='articles_release', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2'
    )
"""
# The shapes the SQLite documentation gives for external-content tables.
_TRIGGERS = {
    f"{TABLE}_insert": f"""
        CREATE TRIGGER {TABLE}_insert AFTER INSERT ON articles_release BEGIN
            INSERT INTO {TABLE}(rowid, title, summary, body)
            VALUES (new.id, new.title, new.summary, new.body);
        END
    """,
    f"{TABLE}_delete": f"""
        CREATE TRIGGER {TABLE}_delete AFTER DELETE ON articles_release BEGIN
            INSERT INTO {TABLE}({TABLE}, rowid, title, summary, body)
            VALUES ('delete', old.id, old.title, old.summary, old.body);
        END
    """,
    f"{TABLE}_update": f"""
        CREATE TRIGGER {TABLE}_update AFTER UPDATE OF title, summary, body ON articles_release
        BEGIN
            INSERT INTO {TABLE}({TABLE}, rowid, title, summary, body)
            VALUES ('delete', old.id, old.title, old.summary, old.body);
            INSERT INTO {TABLE}(rowid, title, summary, body)
            VALUES (new.id, new.title, new.summary, new.body);
        END
    """,
}


def ensure_index(connection):
    """Create the index and its triggers where missing; rebuild it if any trigger was."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'articles_release'"
        )
        if cursor.fetchone() is None:  # migrated back to before the release table
            return
        cursor.execute(_CREATE_TABLE)
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        present = {row[0] for row in cursor.fetchall()}
        missing = [name for name in _TRIGGERS if name not in present]
        for name in missing:
            cursor.execute(_TRIGGERS[name])
        if missing:
            cursor.execute(f"INSERT INTO {TABLE}({TABLE}) VALUES ('rebuild')")


def match_expression(terms):
    """Every term, as a word prefix: `harbor` finds "harbors". Quoted, so no term is syntax."""
    return " AND ".join('"{}"*'.format(term.replace('"', '""')) for term in terms)


def ensure_index_after_migrate(using="default", **kwargs):
    from django.db import connections

    ensure_index(connections[using])
