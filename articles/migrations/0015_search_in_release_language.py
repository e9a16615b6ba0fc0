"""Full-text search in each release's language (PostgreSQL only): the stored document is built
with the configuration of the release's language, so a Spanish edition is stemmed as Spanish.
The configurations are those of CONFIGS in articles/public/search.py, written out here: a
migration must keep meaning what it meant. A new language with its own stemming needs another.
"""

from django.db import migrations


def document(config):
    return f"""
    setweight(to_tsvector({config}, coalesce(title, '')), 'A')
    || setweight(to_tsvector({config}, coalesce(summary, '')), 'B')
    || setweight(to_tsvector({config}, coalesce(body, '')), 'C')
"""


BY_LANGUAGE = "CASE language WHEN 'es' THEN 'spanish'::regconfig ELSE 'english'::regconfig END"


def rebuild(config):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute("ALTER TABLE articles_release DROP COLUMN search_document")
        schema_editor.execute(
            "ALTER TABLE articles_release ADD COLUMN search_document tsvector "
            f"GENERATED ALWAYS AS ({document(config)}) STORED"
        )
        schema_editor.execute(
            "CREATE INDEX release_search_document_idx ON articles_release "
            "USING GIN (search_document)"
        )

    return run


class Migration(migrations.Migration):
    dependencies = [("articles", "0014_release_editions")]

    operations = [
        migrations.RunPython(rebuild(BY_LANGUAGE), rebuild("'english'::regconfig"), elidable=False)
    ]
