"""The alert fan-out benchmark: N confirmed subscribers across topics, one release
goes live through the admin's "Publish now", and W `manage.py deliver` workers send its alert
to an SMTP sink on loopback (bench/smtp_sink.py).

Reports the publish request's time (through the whole middleware stack, in-process), messages
per second, the time from the click to the last message, distinct Message-IDs (exactly once)
and each worker's peak memory. Environment: BENCH_ALERT_SUBSCRIBERS (100000),
BENCH_ALERT_WORKERS (2), BENCH_ALERT_DB (postgresql, or sqlite). Result:
bench/results/alerts-<db>.json. Only loopback is used.
"""

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

from tests.servers import free_port, wait_for_port

ROOT = Path(__file__).resolve().parents[1]
VAR = ROOT / "bench" / "var"
RESULTS = ROOT / "bench" / "results"
PG_SERVER = "postgres://postgres@127.0.0.1:5432"

SEED = """
import random
from django.contrib.auth import get_user_model
from django.utils import timezone
from taggit.models import Tag
from articles.roles import PUBLISHER, ensure_roles
from articles.models import Office, Release
from subscriptions.models import Subscriber

n = int({n})
ensure_roles()
office = Office.objects.create(name="Office of Public Affairs", is_default=True)
tags = [Tag.objects.create(name=name.title(), slug=name) for name in
        ["defense", "navy", "army", "budget", "health", "space", "trade", "energy"]]
release = Release.objects.create(
    title="Navy commissions its newest ship", status="draft", office=office,
    dateline="WASHINGTON", summary="The ship joins the fleet today.",
    body="<p>" + "The Secretary said the ship is ready. " * 40 + "</p>")
release.tags.set(tags[:2])
publisher = get_user_model().objects.create_user("publisher", is_staff=True)
from django.contrib.auth.models import Group
publisher.groups.add(Group.objects.get(name=PUBLISHER))
rng = random.Random(15)
now = timezone.now()
Through = Subscriber.topics.through
for start in range(0, n, 10000):
    people = Subscriber.objects.bulk_create(
        Subscriber(email=f"reader{{i:06d}}@example.org", all_releases=rng.random() < 0.3,
                   consented_at=now, confirmed_at=now)
        for i in range(start, min(n, start + 10000)))
    links = []
    for person in people:
        if not person.all_releases:  # one of the release's topics, and maybe others
            chosen = {{rng.choice(tags[:2])}} | set(rng.sample(tags[2:], rng.randint(0, 2)))
            links += [Through(subscriber_id=person.pk, tag_id=tag.pk) for tag in chosen]
    Through.objects.bulk_create(links)
# Cleared by a second reader, as every release that goes out is: the Publisher alone may not.
from tests.support import cleared
cleared(release)
print(release.pk)
"""

PUBLISH = """
import json, time
from django.contrib.auth import get_user_model
from django.test import Client
from articles.models import Release
release = Release.objects.get()
client = Client()
client.force_login(get_user_model().objects.get(username="publisher"))
client.get(f"/admin/articles/release/{{release.pk}}/change/")  # warm: imports, templates
started = time.time()
response = client.post(f"/admin/articles/release/{{release.pk}}/workflow/",
                       {{"step": "publish", "version": release.lock_version, "note": ""}})
took = time.time() - started
assert response.status_code == 302, response.status_code
release.refresh_from_db()
assert release.state == "live", release.state
print(json.dumps({{"started": started, "publish_ms": round(took * 1000, 1)}}))
"""


def log(message):
    print(message, flush=True)


def manage(env, *args, capture=True):
    done = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env,
                          capture_output=capture, text=True)  # fmt: skip
    if done.returncode:
        raise SystemExit(f"manage.py {args[0]} failed:\n{done.stderr}")
    return done.stdout


def reset_database(db):
    if db == "sqlite":
        path = VAR / "bench-alerts.sqlite3"
        path.unlink(missing_ok=True)
        return f"sqlite:///{path}"
    for sql in ["DROP DATABASE IF EXISTS pressoffice_bench_alerts WITH (FORCE)",
                "CREATE DATABASE pressoffice_bench_alerts"]:  # fmt: skip
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-c", sql],
                       check=True, capture_output=True)  # fmt: skip
    return f"{PG_SERVER}/pressoffice_bench_alerts"


def peak_rss_mb(pid):
    status = Path(f"/proc/{pid}/status").read_text()
    return round(int(re.search(r"VmHWM:\s+(\d+)", status)[1]) / 1024, 1)


def run(db, subscribers, workers):
    VAR.mkdir(parents=True, exist_ok=True)
    port = free_port()
    status_file = VAR / "smtp-sink.json"
    status_file.unlink(missing_ok=True)
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("REDIS_URL", "CACHE_URL"))},
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "PRESSOFFICE_ENV_FILE": "/nonexistent",
        "DATABASE_URL": reset_database(db),
        "SECRET_KEY": "bench-only-" + os.urandom(24).hex(),
        "STAFF_SECOND_FACTOR_REQUIRED": "0",
        "SITE_URL": "https://news.example.gov",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(port),
        "CACHE_DIR": str(VAR / "alerts-cache"),
        "LOG_LEVEL": "WARNING",
        "CONN_MAX_AGE": "600",
    }
    log(f"alerts ({db}): migrating, seeding {subscribers} subscribers …")
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput")
    seeded = time.time()
    manage(env, "shell", "-c", SEED.format(n=subscribers))
    log(f"  seeded in {time.time() - seeded:.0f} s")
    sink = subprocess.Popen([sys.executable, "-m", "bench.smtp_sink", str(port), str(status_file)],
                            cwd=ROOT, env=env)  # fmt: skip
    wait_for_port(port)
    started = [subprocess.Popen([sys.executable, "manage.py", "deliver", "--interval", "0.2"],
                                cwd=ROOT, env=env) for _ in range(workers)]  # fmt: skip
    try:
        time.sleep(3)  # the workers are up and idle
        click = json.loads(manage(env, "shell", "-c", PUBLISH.format()).strip().splitlines()[-1])
        log(f"  publish request: {click['publish_ms']} ms; sending …")
        status, deadline = {}, time.time() + 20 * 60
        while time.time() < deadline:
            time.sleep(0.5)
            if status_file.exists():
                status = json.loads(status_file.read_text() or "{}")
            if status.get("messages", 0) >= expected_recipients(env):
                break
        memory = [peak_rss_mb(worker.pid) for worker in started]
    finally:
        for process in [*started, sink]:
            process.terminate()
        for process in [*started, sink]:
            process.wait(30)
    sent = status.get("messages", 0)
    elapsed = (status["last"] - click["started"]) if sent else None
    result = {
        "database": db,
        "subscribers": subscribers,
        "recipients": expected_recipients(env),
        "workers": workers,
        "publish_request_ms": click["publish_ms"],
        "messages": sent,
        "distinct_message_ids": status.get("distinct", 0),
        "seconds_to_last_message": round(elapsed, 1) if elapsed else None,
        "messages_per_second": round(sent / elapsed, 1) if elapsed else None,
        "sending_seconds": round(status["last"] - status["first"], 1) if sent else None,
        "worker_peak_rss_mb": memory,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"alerts-{db}.json").write_text(json.dumps(result, indent=2))
    return result


_recipients = {}


def expected_recipients(env):
    if "n" not in _recipients:
        code = ("from subscriptions.models import Alert; a = Alert.objects.first(); "
                "print(a.recipients if a and a.fanned_out_at else -1)")  # fmt: skip
        value = int(manage(env, "shell", "-c", code).strip().splitlines()[-1])
        if value < 0:
            return float("inf")  # not fanned out yet
        _recipients["n"] = value
    return _recipients["n"]


def report(result):
    log(
        f"  {result['messages']} of {result['recipients']} messages "
        f"({result['distinct_message_ids']} distinct Message-IDs) in "
        f"{result['seconds_to_last_message']} s from the click: "
        f"{result['messages_per_second']} messages/s with {result['workers']} workers; "
        f"publish request {result['publish_request_ms']} ms; "
        f"worker peak RSS {result['worker_peak_rss_mb']} MB"
    )


def main():
    db = os.environ.get("BENCH_ALERT_DB", "postgresql")
    subscribers = int(os.environ.get("BENCH_ALERT_SUBSCRIBERS", "100000"))
    workers = int(os.environ.get("BENCH_ALERT_WORKERS", "2"))
    report(run(db, subscribers, workers))


if __name__ == "__main__":
    main()
