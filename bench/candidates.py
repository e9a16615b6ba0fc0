"""Hand-written speed pieces against the stock Django they replace, timed in process on the
benchmark's SQLite database: `make bench` runs it after the SQLite run (or, after one,
`python -m bench.candidates`).

Each row times the same work both ways, best of five runs, per call; the table is printed and
written to candidates.json in bench/results/. A piece stays only while its row shows a
difference that matters on a page (the page's own figures are beside it in bench/results/).
"""

import json
import os
import sys
import timeit
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATABASE = ROOT / "bench" / "var" / "bench-sqlite.sqlite3"
RESULTS = ROOT / "bench" / "results"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{DATABASE}")

import django  # noqa: E402

django.setup()

from django import forms  # noqa: E402
from django.core.paginator import Paginator  # noqa: E402
from django.urls import reverse  # noqa: E402

from articles.addresses import release_url, url  # noqa: E402
from articles.models import Release  # noqa: E402
from articles.public.cards import as_cards  # noqa: E402
from articles.public.forms import SearchForm  # noqa: E402
from articles.public.views import IdsFirstPaginator  # noqa: E402


def per_call_us(function, number):
    return min(timeit.repeat(function, number=number, repeat=5)) / number * 1e6


ROWS = []


def row(name, ours, stock):
    print(f"| {name} | {ours:,.1f} | {stock:,.1f} | {stock / ours:,.1f}× |")
    ROWS.append(
        {"piece": name, "ours_us": round(ours, 2), "stock_us": round(stock, 2),
         "stock_over_ours": round(stock / ours, 2)}
    )  # fmt: skip


class StockSearchForm(SearchForm):
    """The same form with Django's own <select> widget (one template per <option>)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("kind", "tag"):
            self.fields[name].widget = forms.Select(choices=self.fields[name].choices)


def main():
    if not DATABASE.exists():
        sys.exit(f"No benchmark database at {DATABASE}: run `make bench` first.")
    live = Release.objects.live()
    release = live.newest_first().first()
    day, slug = release.local_date, release.slug
    tags = list(Release.objects.live().tags())
    cards = as_cards(live).newest_first().filter(featured__in=[False])
    deep = min(250, cards.count() // 20)

    releases = live.count()
    print(f"{releases:,} live releases, {len(tags)} live topics; µs per call")
    print("| piece | hand-written | stock Django | stock ÷ ours |")
    print("| --- | --- | --- | --- |")
    row(
        "release address (`release_url` vs `reverse`)",
        per_call_us(lambda: release_url(day, slug), 20_000),
        per_call_us(
            lambda: reverse("articles:detail", args=[day.year, day.month, day.day, slug]),
            20_000,
        ),
    )
    row(
        "fixed address (`url` vs `reverse`)",
        per_call_us(lambda: url("articles:feed"), 20_000),
        per_call_us(lambda: reverse("articles:feed"), 20_000),
    )
    row(
        f"search form with {len(tags)} topics (`SinglePassSelect` vs `Select`)",
        per_call_us(lambda: str(SearchForm(tags=tags)), 50),
        per_call_us(lambda: str(StockSearchForm(tags=tags)), 50),
    )
    row(
        f"list page {deep} rows (`IdsFirstPaginator` vs `Paginator`)",
        per_call_us(lambda: list(IdsFirstPaginator(cards, 20).page(deep)), 20),
        per_call_us(lambda: list(Paginator(cards, 20).page(deep)), 20),
    )
    RESULTS.mkdir(parents=True, exist_ok=True)
    summary = {"live_releases": releases, "live_topics": len(tags), "rows": ROWS}
    (RESULTS / "candidates.json").write_text(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
