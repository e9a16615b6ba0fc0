"""Prepare one benchmark database: migrate, seed, collect static files, pick the pages to load,
and measure what needs no load: SQL queries per page and the detail page's transfer size.

Run by bench/run.py in a subprocess per database; prints one JSON object.
"""

import gzip
import json
import os
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.staticfiles.storage import staticfiles_storage  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from articles.models import Release  # noqa: E402
from bench.seed import NAMES, seed  # noqa: E402


def targets():
    live = Release.objects.live().newest_first()
    detail = live[500]  # a release from the middle of the first pages
    tagged = detail.tags.first()
    month = detail.local_date
    deep = min(250, (live.filter(featured__in=[False]).count() + 19) // 20)
    return {
        "home": "/",
        "list": "/news/",
        "list_p250": f"/news/?page={deep}",
        "detail": detail.get_absolute_url(),
        "tag": f"/news/tags/{tagged.slug}/",
        "archive": f"/news/{month:%Y}/{month:%m}/",
        "search": f"/news/search/?q={NAMES[7]}",
        "feed": "/news/feed/",
        "sitemap": "/sitemap.xml",
    }


def main(n):
    settings.STATIC_ROOT.mkdir(parents=True, exist_ok=True)
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    rate = seed(n)
    seeded_in = time.perf_counter() - started

    pages = targets()
    client = Client()
    queries, sizes = {}, {}
    with override_settings(PAGE_CACHE_ENABLED=False, STORAGES={
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }):  # fmt: skip
        for name, url in pages.items():
            client.get(url)  # warm Python-level caches (templates, URL resolver)
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            queries[name] = len(captured)
            sizes[name] = len(response.content)
        detail_html = client.get(pages["detail"]).content

    ceiling_dir = settings.VAR / "ceiling-static"
    ceiling_dir.mkdir(parents=True, exist_ok=True)
    (ceiling_dir / "ceiling.html").write_bytes(detail_html)
    call_command("collectstatic", interactive=False, verbosity=0, clear=True)
    css = (settings.BASE_DIR / "static" / "css" / "site.css").read_bytes()
    print(
        json.dumps(
            {
                "import_rate": round(rate),
                "seeded_seconds": round(seeded_in, 1),
                "pages": pages,
                "queries": queries,
                "bytes": sizes,
                "detail_transfer_bytes": len(gzip.compress(detail_html)) + len(gzip.compress(css)),
                "detail_html_bytes": len(detail_html),
                "ceiling_static": staticfiles_storage.url("ceiling.html"),
                "db": connection.vendor,
            }
        )
    )


if __name__ == "__main__":
    main(int(sys.argv[1]))
