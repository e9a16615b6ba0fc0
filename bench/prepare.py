"""Prepare one benchmark database: migrate, seed, collect static files, pick the pages to load,
and measure what needs no load: SQL queries per page, each page's time in process and the part
of it spent rendering its template, a search before and after the database settles, and the
detail page's transfer size.

Run by bench/run.py in a subprocess per database; prints one JSON object.
"""

import gzip
import json
import os
import sys
import time
from unittest import mock

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.staticfiles.storage import staticfiles_storage  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.template.backends import django as django_backend  # noqa: E402
from django.template.backends import jinja2 as jinja2_backend  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from articles.models import Redirect, Release  # noqa: E402
from bench.seed import NAMES, seed  # noqa: E402


def targets():
    live = Release.objects.live().newest_first()
    detail = live[500]  # a release from the middle of the first pages
    # A legacy link to it, as the importer keeps one: the redirect answers with a 301.
    Redirect.objects.get_or_create(
        old_path="/news/newsarticle.aspx", old_query="id=64105", defaults={"release": detail}
    )
    # Its Spanish edition: a page in another language, naming the English one and named by it.
    spanish, _ = Release.objects.get_or_create(
        original=detail,
        language="es",
        defaults={
            "title": f"Edición en español: {detail.title}",
            "slug": f"{detail.slug}-es",
            "summary": detail.summary,
            "body": detail.body,
            "dateline": detail.dateline,
            "office": detail.office,
            "kind": detail.kind,
            "status": Release.Status.PUBLISHED,
            "publish_at": detail.publish_at,
            "went_live_at": detail.publish_at,
        },
    )
    spanish.tags.set(detail.tags.all())
    tagged = detail.tags.first()
    month = detail.local_date
    deep = min(250, (live.filter(featured__in=[False]).count() + 19) // 20)
    return {
        "home": "/",
        "list": "/news/",
        "list_p250": f"/news/?page={deep}",
        "detail": detail.get_absolute_url(),
        "detail_es": spanish.get_absolute_url(),
        "tag": f"/news/tags/{tagged.slug}/",
        "archive": f"/news/{month:%Y}/{month:%m}/",
        "search": f"/news/search/?q={NAMES[7]}",
        "feed": "/news/feed/",
        "sitemap": "/sitemap.xml",
        "redirect": "/news/newsarticle.aspx?id=64105",
        # The read API: its first page of releases, and the same release as the detail page.
        "api_list": "/api/v1/releases/",
        "api_detail": f"/api/v1/releases/{detail.guid}/",
    }


class TemplateClock:
    """Seconds spent inside template rendering, either engine; a template rendered inside
    another (a form's widgets in a page) counts once, in the outer one."""

    def __init__(self):
        self.seconds, self._depth = 0.0, 0

    def timed(self, render):
        def render_timed(template, *args, **kwargs):
            if self._depth:
                return render(template, *args, **kwargs)
            self._depth += 1
            started = time.perf_counter()
            try:
                return render(template, *args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - started
                self._depth -= 1

        return render_timed

    def installed(self):
        patches = [
            mock.patch.object(backend.Template, "render", self.timed(backend.Template.render))
            for backend in (jinja2_backend, django_backend)
        ]
        for patch in patches:
            patch.start()
        return patches


def render_times(client, url, runs=5):
    """(ms for the whole request in process, ms of it in the template), from the fastest run."""
    clock = TemplateClock()
    patches = clock.installed()
    try:
        best = None
        for _ in range(runs):
            clock.seconds = 0.0
            started = time.perf_counter()
            client.get(url)
            run = (time.perf_counter() - started, clock.seconds)
            best = run if best is None or run[0] < best[0] else best
    finally:
        for patch in patches:
            patch.stop()
    return {"in_process_ms": round(best[0] * 1000, 2), "template_ms": round(best[1] * 1000, 2)}


def main(n):
    settings.STATIC_ROOT.mkdir(parents=True, exist_ok=True)
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    rate, search_ms = seed(n)
    seeded_in = time.perf_counter() - started

    pages = targets()
    client = Client()
    queries, sizes, render = {}, {}, {}
    with override_settings(PAGE_CACHE_ENABLED=False, STORAGES={
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }):  # fmt: skip
        for name, url in pages.items():
            client.get(url)  # warm Python-level caches (templates, URL resolver)
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url)
            assert response.status_code == (301 if name == "redirect" else 200), (url, response)
            queries[name] = len(captured)
            sizes[name] = len(response.content)
            render[name] = render_times(client, url)
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
                "render": render,
                "search_ms": search_ms,
                "detail_transfer_bytes": len(gzip.compress(detail_html)) + len(gzip.compress(css)),
                "detail_html_bytes": len(detail_html),
                "ceiling_static": staticfiles_storage.url("ceiling.html"),
                "db": connection.vendor,
            }
        )
    )


if __name__ == "__main__":
    main(int(sys.argv[1]))
