"""Full-text search on PostgreSQL: a stored, weighted tsvector column and its GIN index.

Stored so that ranking reads the vector instead of re-parsing every matching body; a generated
column so it can never drift from the text. PostgreSQL only: SQLite has no tsvector, and the
model does not declare the column (articles/search.py reads it on PostgreSQL alone).
"""

from django.db import migrations

DOCUMENT = """
    setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A')
    || setweight(to_tsvector('english'::regconfig, coalesce(summary, '')), 'B')
    || setweight(to_tsvector('english'::regconfig, coalesce(body, '')), 'C')
"""


def add_search_document(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE articles_release ADD COLUMN search_document tsvector "
            f"GENERATED ALWAYS AS ({DOCUMENT}) STORED"
        )
        schema_editor.execute(
            "CREATE INDEX release_search_document_idx ON articles_release "
            "USING GIN (search_document)"
        )


def drop_search_document(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE articles_release DROP COLUMN search_document")


class Migration(migrations.Migration):
    dependencies = [("articles", "0001_initial")]

    operations = [migrations.RunPython(add_search_document, drop_search_document, elidable=False)]
