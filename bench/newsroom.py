"""The busy newsroom: readers load a spread of pages while editors work.

Readers: wrk with a Lua script picking at random among the 300 newest releases, the first five
list pages and five tag pages, counting X-Page-Cache hits and misses. Editors, in a process of
their own on the same database: a Writer saves a draft every second; a Publisher publishes or
withdraws a release every 30 seconds (through the workflow, as the admin does).

Reported per cache setting: the readers' throughput with editors at work as a ratio to the quiet
cached throughput of the same server, the hit ratio, and the slowest request.

`python -m bench.newsroom paths` prints the readers' paths (JSON); `python -m bench.newsroom
editors SECONDS` runs the editors. bench/run.py drives both.
"""

import json
import os
import sys
import time

LUA = """
local paths = %(paths)s
local threads = {}
wrk.headers["Accept-Encoding"] = "gzip"

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  hits, misses, other = 0, 0, 0
  math.randomseed(os.time() + #threads * 7919)
end

function request()
  return wrk.format("GET", paths[math.random(#paths)])
end

function response(status, headers, body)
  local cache = headers["X-Page-Cache"]
  if cache == "hit" then hits = hits + 1
  elseif cache == "miss" then misses = misses + 1
  else other = other + 1 end
end

function done(summary, latency, requests)
  local h, m, o = 0, 0, 0
  for _, thread in ipairs(threads) do
    h = h + thread:get("hits")
    m = m + thread:get("misses")
    o = o + thread:get("other")
  end
  io.write(string.format("CACHE %%d %%d %%d\\n", h, m, o))
  io.write(string.format("MAXMS %%.1f\\n", latency.max / 1000))
end
"""


def lua_script(paths):
    listed = "{" + ", ".join(json.dumps(path) for path in paths) + "}"
    return LUA % {"paths": listed}


def _setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()


def reader_paths():
    from taggit.models import Tag

    from articles.models import Release

    live = Release.objects.live().newest_first()
    details = [release.get_absolute_url() for release in live[:300]]
    lists = ["/news/"] + [f"/news/?page={n}" for n in range(2, 6)]
    busiest = Tag.objects.filter(
        pk__in=Release.tags.through.objects.values("tag_id")[:5000]
    ).order_by("name")[:5]
    tags = [f"/news/tags/{tag.slug}/" for tag in busiest]
    return details + lists + tags


def editors(seconds):
    """A Writer saves a draft every second; a Publisher publishes or withdraws every 30 s."""
    from django.contrib.auth import get_user_model

    from articles.editorial.workflow import take_step
    from articles.models import Release
    from tests.support import cleared

    user, _ = get_user_model().objects.get_or_create(
        username="bench-publisher", defaults={"is_staff": True, "is_superuser": True}
    )
    draft = Release.objects.filter(status=Release.Status.DRAFT).first()
    # Not among the readers' 300 newest: publishing it changes the lists and its neighbours.
    toggled = Release.objects.live().newest_first()[400]
    saves = steps = 0
    started = time.monotonic()
    next_step = started + 15
    while time.monotonic() - started < seconds:
        draft = Release.objects.get(pk=draft.pk)
        draft.title = f"Draft in progress, save {saves}"
        draft.body = f"<p>Typing, save {saves}.</p>"
        draft.save()
        saves += 1
        if time.monotonic() >= next_step:
            toggled = Release.objects.get(pk=toggled.pk)
            if not toggled.is_live:  # nothing is published on one person's word
                cleared(toggled)
            take_step(toggled, "withdraw" if toggled.is_live else "publish", user)
            steps += 1
            next_step += 30
        time.sleep(max(0.0, 1.0 - (time.monotonic() - started) % 1.0))
    toggled = Release.objects.get(pk=toggled.pk)
    if not toggled.is_live:
        cleared(toggled)
        take_step(toggled, "publish", user)
    print(json.dumps({"draft_saves": saves, "publisher_steps": steps}))


if __name__ == "__main__":
    _setup_django()
    if sys.argv[1] == "paths":
        print(json.dumps(reader_paths()))
    elif sys.argv[1] == "editors":
        editors(float(sys.argv[2]))
