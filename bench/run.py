"""make bench: seed N releases, serve with gunicorn, load each page with wrk, report ratios.

For each database (SQLite always; PostgreSQL when it answers on 127.0.0.1:5432) it prepares a
fresh database (bench/prepare.py), starts two gunicorn servers (2 sync workers, DEBUG off): one
with the page cache off ("cold") and one with it on ("cached"). Then, in rounds so that machine
drift cancels, it loads the two ceilings (constant bytes of the detail page's size through the full
middleware stack; a static file of that size through WhiteNoise) and every page cold and cached,
each for BENCH_SECONDS. Every figure is also given as a ratio to the constant-bytes ceiling of the
same round; the table shows medians over rounds.

A third cached server keeps its pages in Redis (a redis-server of the runner's own). Then the
busy newsroom (bench/newsroom.py) runs with the default caches and with Redis.

In the same rounds, the detail and list pages also go through nginx in front of the cached
server, with the shipped site's micro-cache: deploy/nginx/pressoffice-cache.conf and
pressoffice-proxy.conf as they are, and the site's proxy_cache_path with only its folder moved.
nginx keeps a page only because the application sends X-Accel-Expires, so the run stops unless a
second request is a HIT. The same nginx serves the bytes of each page as a static file: what this
machine can send at all. Targets: the micro-cache at least 10× the gunicorn cached page and at
least 0.6 of the static file, each a median of same-round ratios. wrk loads these rows with 2
threads and 32 connections (BENCH_NGINX_THREADS, BENCH_NGINX_CONNECTIONS): at the others' 1 and 4,
wrk is the limit, not nginx (about 70,000 req/s from the cache and 85,000 from the file, against
93,000 and 140,000), and 64 connections add nothing but latency.

Environment: BENCH_N (10000), BENCH_ROUNDS (3), BENCH_SECONDS (3), BENCH_CONNECTIONS (4),
BENCH_NGINX_THREADS (2), BENCH_NGINX_CONNECTIONS (32), BENCH_DBS (sqlite,postgresql),
BENCH_QUIET_SECONDS (20), BENCH_BUSY_SECONDS (60). Then the alert fan-out (bench/alerts.py;
BENCH_ALERTS=0 skips it, BENCH_ALERT_SUBSCRIBERS sets its size). Results: bench/results/latest.json
(SQLite), latest-postgresql.json, and n<N>-<db>.json to compare sizes; candidates.json
(bench/candidates.py, after the SQLite run). Only loopback is ever loaded.
"""

import gzip
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from bench import alerts, newsroom
from tests.servers import RedisServer, nginx_conf

ROOT = Path(__file__).resolve().parents[1]
VAR = ROOT / "bench" / "var"
RESULTS = ROOT / "bench" / "results"
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
PAGES = ["home", "list", "list_p250", "detail", "detail_es", "tag", "archive", "search", "feed",
         "sitemap", "redirect", "api_list", "api_detail"]  # fmt: skip
PG_URL = "postgres://postgres@127.0.0.1:5432/pressoffice_bench"


def env_int(name, default):
    return int(os.environ.get(name, default))


def log(message):
    print(message, flush=True)


def postgres_available():
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=2):
            return True
    except OSError:
        return False


def reset_database(db):
    if db == "sqlite":
        path = VAR / f"bench-{db}.sqlite3"
        path.unlink(missing_ok=True)
        return f"sqlite:///{path}"
    for sql in ["DROP DATABASE IF EXISTS pressoffice_bench", "CREATE DATABASE pressoffice_bench"]:
        subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-c", sql],
            check=True,
            capture_output=True,
        )
    return PG_URL


def base_env(database_url, cache_dir):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REDIS_URL", "CACHE_URL"))}
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DATABASE_URL=database_url,
        CACHE_DIR=str(cache_dir),
        PYTHONPATH=str(ROOT),
        SECRET_KEY="bench-only-" + os.urandom(24).hex(),
        CONN_MAX_AGE="600",
        API_REQUESTS_PER_MINUTE="0",  # the load comes from one address: no limit on the API
    )
    return env


def start_server(env, port, page_cache, **extra):
    server_env = {**env, "PAGE_CACHE": "1" if page_cache else "0", **extra}
    if _port_in_use(port):
        raise SystemExit(f"port {port} is busy; stop whatever listens there and try again")
    process = subprocess.Popen(
        [GUNICORN, "pressoffice.wsgi:application", "--workers", "2", "--worker-class", "sync",
         "--bind", f"127.0.0.1:{port}", "--access-logfile", "-", "--error-logfile", "-",
         "--log-level", "warning", "--timeout", "120"],
        cwd=ROOT, env=server_env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz/", timeout=2)
            return process
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise SystemExit(f"gunicorn on port {port} did not start: {process.stderr.read().decode()}")


def _port_in_use(port):
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def worker_memory(master):
    """(current RSS, peak RSS) in MB of the master's worker processes, the largest of each."""
    children = Path(f"/proc/{master.pid}/task/{master.pid}/children").read_text().split()
    current, peak = 0, 0
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        rss = int(re.search(r"VmRSS:\s+(\d+)", status)[1]) / 1024
        hwm = int(re.search(r"VmHWM:\s+(\d+)", status)[1]) / 1024
        current, peak = max(current, rss), max(peak, hwm)
    return round(current, 1), round(peak, 1)


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(url, seconds, connections, script=None, threads=1):
    scripted = ["-s", str(script)] if script else []
    result = subprocess.run(
        # Like every browser and feed reader, accept gzip.
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency",
         "-H", "Accept-Encoding: gzip", *scripted, url],
        capture_output=True, text=True, timeout=seconds + 60,
    )  # fmt: skip
    out = result.stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1])

    def percentile(p):
        value, unit = re.search(rf"\s{p}%\s+([\d.]+)(us|ms|s)", out).groups()
        return float(value) * _UNITS[unit]

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if script:
        hits, misses, other = (int(n) for n in re.search(r"CACHE (\d+) (\d+) (\d+)", out).groups())
        extra = {
            "hits": hits,
            "misses": misses,
            "uncached": other,
            "hit_ratio": hits / max(1, hits + misses + other),
            "max_ms": float(re.search(r"MAXMS ([\d.]+)", out)[1]),
        }
    else:
        extra = {}
    return extra | {
        "output": out + result.stderr,
        "rps": rps,
        "p50_ms": percentile(50),
        "p99_ms": percentile(99),
        "non_2xx": int(errors[1]) if errors else 0,
    }


DEPLOY_NGINX = ROOT / "deploy" / "nginx"
NGINX_PAGES = ["detail", "list"]


def start_nginx(db, port, upstream_port, pages):
    """nginx on `port` in front of the cached gunicorn on `upstream_port`, with the shipped site's
    micro-cache (deploy/nginx/), and each page of `pages` ({name: path}) also as a static file of
    the bytes gunicorn sends wrk for it, at /__static__/<name>."""
    if _port_in_use(port):
        raise SystemExit(f"port {port} is busy; stop whatever listens there and try again")
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(binary).exists():
        raise SystemExit("nginx is not installed (apt-get install nginx; `make bench` does).")
    base = VAR / f"nginx-{db}"
    shutil.rmtree(base, ignore_errors=True)
    base.mkdir(parents=True)
    # The site's own cache zone, only moved: its size and key limits are part of what is measured.
    site = (DEPLOY_NGINX / "pressoffice.conf").read_text()
    cache_path = re.search(r"^proxy_cache_path\s[^;]*;", site, re.MULTILINE)
    if not cache_path or "/var/cache/nginx/pressoffice " not in cache_path[0]:
        raise SystemExit("deploy/nginx/pressoffice.conf has no proxy_cache_path to take")
    cache_path = cache_path[0].replace("/var/cache/nginx/pressoffice ", f"{base / 'cache'} ")
    statics = []
    for name, path in pages.items():
        # As wrk asks, and with the Host nginx passes on (no port, which the page's absolute
        # links would show), so the file holds the very bytes the micro-cache sends.
        request = urllib.request.Request(
            f"http://127.0.0.1:{upstream_port}{path}",
            headers={"Accept-Encoding": "gzip", "Host": "127.0.0.1"},
        )
        with urllib.request.urlopen(request) as response:
            body, encoding = response.read(), response.headers.get("Content-Encoding")
        (base / f"{name}.html").write_bytes(body)
        headers = f"add_header Content-Encoding {encoding}; add_header Vary Accept-Encoding;"
        statics.append(
            f"location = /__static__/{name} {{ alias {base / name}.html; default_type text/html; "
            f"charset utf-8; {headers if encoding else ''} }}"
        )
    statics = "\n                ".join(statics)
    http = f"""
        {cache_path}
        upstream pressoffice_app {{ server 127.0.0.1:{upstream_port}; keepalive 16; }}
        server {{
            listen 127.0.0.1:{port};
            {statics}
            location / {{
                include {DEPLOY_NGINX / "pressoffice-proxy.conf"};
                include {DEPLOY_NGINX / "pressoffice-cache.conf"};
                # Kept connections to gunicorn, as a busy site would hold them.
                proxy_http_version 1.1;
                proxy_set_header Connection "";
            }}
        }}
    """
    (base / "nginx.conf").write_text(nginx_conf(base, http, workers=2, connections=1024))
    process = subprocess.Popen(
        [binary, "-p", str(base), "-c", str(base / "nginx.conf")],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    deadline = time.time() + 15
    while time.time() < deadline and process.poll() is None:
        if _port_in_use(port):
            return process
        time.sleep(0.1)
    process.kill()
    raise SystemExit(f"nginx on port {port} did not start: {process.communicate()[1].decode()}")


def _unzipped(body):
    return gzip.decompress(body) if body[:2] == b"\x1f\x8b" else body


def check_micro_cache(port, path):
    """Raise unless a second request for `path` is served from nginx's cache. A page's copy ends
    with the second it was made in, so a pair that straddles one is tried again."""
    statuses = []
    for _ in range(5):
        for _ in range(2):
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}{path}", headers={"Accept-Encoding": "gzip"}
            )
            with urllib.request.urlopen(request) as response:
                body = response.read()
                status = response.headers.get("X-Cache-Status")
        statuses.append(status)
        if status == "HIT":
            return body
        time.sleep(0.2)
    raise SystemExit(
        f"nginx's micro-cache never kept {path} (X-Cache-Status of the second request: "
        f"{', '.join(map(str, statuses))}); does the cached server send X-Accel-Expires?"
    )


def bench_database(db, n, rounds, seconds, connections):
    log(f"\n== {db}: preparing {n:,} releases")
    database_url = reset_database(db)
    cache_dir = VAR / f"cache-{db}"
    shutil.rmtree(cache_dir, ignore_errors=True)
    env = base_env(database_url, cache_dir)
    prepared = subprocess.run(
        [PYTHON, "-m", "bench.prepare", str(n)], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if prepared.returncode:
        raise SystemExit(f"prepare failed for {db}:\n{prepared.stderr}")
    info = json.loads(prepared.stdout.strip().splitlines()[-1])
    log(f"   seeded at {info['import_rate']:,} releases/s; serving")

    # Fresh ports per database: the previous servers' sockets may still be closing.
    cold_port, cached_port, redis_port, nginx_port = (
        (8101, 8102, 8105, 8109) if db == "sqlite" else (8103, 8104, 8106, 8119)
    )
    nginx_threads = env_int("BENCH_NGINX_THREADS", 2)
    nginx_connections = env_int("BENCH_NGINX_CONNECTIONS", 32)
    redis = RedisServer(VAR).start()
    cold = start_server(env, cold_port, page_cache=False)
    cached = start_server(env, cached_port, page_cache=True)
    cached_redis = start_server(env, redis_port, page_cache=True, REDIS_URL=redis.url)
    servers = [cold, cached, cached_redis]
    try:
        for page in PAGES:  # fill the cache in both workers, warm the cold server's code paths
            for port in (cold_port, cached_port, redis_port):
                for _ in range(4):
                    urllib.request.urlopen(f"http://127.0.0.1:{port}{info['pages'][page]}").read()
        servers.append(
            start_nginx(db, nginx_port, cached_port, {p: info["pages"][p] for p in NGINX_PAGES})
        )
        for page in NGINX_PAGES:
            wrk(f"http://127.0.0.1:{nginx_port}{info['pages'][page]}", 1, nginx_connections)
            hit = check_micro_cache(nginx_port, info["pages"][page])
            static = (VAR / f"nginx-{db}" / f"{page}.html").read_bytes()
            # Each render's gzip header carries its time: the size and the page must be equal.
            if len(hit) != len(static) or _unzipped(hit) != _unzipped(static):
                log(f"   note: nginx's cached {page} page is not the static file's page")
        samples = (
            {"ceiling": [], "static": []}
            | {p: [] for p in PAGES}
            | {f"{p}:cached": [] for p in PAGES}
            | {f"{p}:redis": [] for p in PAGES}
            | {f"{p}:nginx": [] for p in NGINX_PAGES}
            | {f"{p}:nginx_static": [] for p in NGINX_PAGES}
        )
        for round_number in range(1, rounds + 1):
            log(f"   round {round_number}/{rounds}")
            ceiling = wrk(f"http://127.0.0.1:{cold_port}/__bench__/constant/", seconds, connections)
            if not ceiling["rps"]:
                raise SystemExit(f"the ceiling endpoint answered nothing:\n{ceiling['output']}")
            samples["ceiling"].append(ceiling)
            static = wrk(
                f"http://127.0.0.1:{cold_port}{info['ceiling_static']}", seconds, connections
            )
            samples["static"].append(static | {"ratio": static["rps"] / ceiling["rps"]})
            for page in PAGES:
                url = info["pages"][page]
                ports = ((page, cold_port), (f"{page}:cached", cached_port),
                         (f"{page}:redis", redis_port))  # fmt: skip
                for key, port in ports:
                    figures = wrk(f"http://127.0.0.1:{port}{url}", seconds, connections)
                    figures["ratio"] = figures["rps"] / ceiling["rps"]
                    samples[key].append(figures)
                if page in NGINX_PAGES:
                    for key, path in ((f"{page}:nginx", url),
                                      (f"{page}:nginx_static", f"/__static__/{page}")):  # fmt: skip
                        figures = wrk(f"http://127.0.0.1:{nginx_port}{path}", seconds,
                                      nginx_connections, threads=nginx_threads)  # fmt: skip
                        figures["ratio"] = figures["rps"] / ceiling["rps"]
                        samples[key].append(figures)
        memory = {"cold": worker_memory(cold), "cached": worker_memory(cached)}
    finally:
        for process in servers:
            process.send_signal(signal.SIGTERM)
        for process in servers:
            process.wait(timeout=30)
        redis.kill()

    def median(key, field):
        return round(statistics.median(s[field] for s in samples[key]), 3)

    def median_ratio(key, over):
        pairs = zip(samples[key], samples[over], strict=True)  # the same round's figures
        return round(statistics.median(a["rps"] / b["rps"] for a, b in pairs), 3)

    pages = {}
    for page in PAGES:
        pages[page] = {
            "url": info["pages"][page],
            "rps": median(page, "rps"),
            "p50_ms": median(page, "p50_ms"),
            "p99_ms": median(page, "p99_ms"),
            "ratio": median(page, "ratio"),
            "queries": info["queries"][page],
            "bytes": info["bytes"][page],
            **info["render"][page],  # in process, without load: in_process_ms, template_ms
            "errors": sum(s["non_2xx"] for s in samples[page] + samples[f"{page}:cached"]),
            "cached": {
                "rps": median(f"{page}:cached", "rps"),
                "p50_ms": median(f"{page}:cached", "p50_ms"),
                "p99_ms": median(f"{page}:cached", "p99_ms"),
                "ratio": median(f"{page}:cached", "ratio"),
            },
            "cached_redis": {
                "rps": median(f"{page}:redis", "rps"),
                "p50_ms": median(f"{page}:redis", "p50_ms"),
                "ratio": median(f"{page}:redis", "ratio"),
            },
        }
        if page in NGINX_PAGES:
            pages[page]["errors"] += sum(s["non_2xx"] for s in samples[f"{page}:nginx"])
            pages[page]["nginx"] = {
                "rps": median(f"{page}:nginx", "rps"),
                "p50_ms": median(f"{page}:nginx", "p50_ms"),
                "ratio": median(f"{page}:nginx", "ratio"),
                "vs_cached": median_ratio(f"{page}:nginx", f"{page}:cached"),
                "vs_static": median_ratio(f"{page}:nginx", f"{page}:nginx_static"),
                "static_rps": median(f"{page}:nginx_static", "rps"),
            }
    return {
        "n": n,
        "db": db,
        "import_rate": info["import_rate"],
        "search_ms": info["search_ms"],  # before and after the bulk load settles (seed.py)
        "rounds": rounds,
        "seconds": seconds,
        "connections": connections,
        "nginx_wrk": {"threads": nginx_threads, "connections": nginx_connections},
        "ceilings": {
            "constant": {k: median("ceiling", k) for k in ("rps", "p50_ms", "p99_ms")},
            "static": {k: median("static", k) for k in ("rps", "p50_ms", "p99_ms", "ratio")},
        },
        "pages": pages,
        "worker_rss_mb": {"cold": memory["cold"][0], "cached": memory["cached"][0]},
        "worker_peak_rss_mb": {"cold": memory["cold"][1], "cached": memory["cached"][1]},
        "detail_transfer_kb": round(info["detail_transfer_bytes"] / 1024, 1),
        "newsroom": bench_newsroom(env, db, connections),
    }


def bench_newsroom(env, db, connections):
    """The busy newsroom (bench/newsroom.py), with the default caches and with Redis."""
    quiet_seconds = env_int("BENCH_QUIET_SECONDS", 20)
    busy_seconds = env_int("BENCH_BUSY_SECONDS", 60)
    paths = json.loads(
        subprocess.run(
            [PYTHON, "-m", "bench.newsroom", "paths"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout  # fmt: skip
    )
    script = VAR / "newsroom.lua"
    script.write_text(newsroom.lua_script(paths))
    results = {}
    for label, port in (("default caches", 8107), ("redis", 8108)):
        redis = RedisServer(VAR).start() if label == "redis" else None
        extra = {"REDIS_URL": redis.url} if redis else {}
        server = start_server(env, port + (0 if db == "sqlite" else 10), page_cache=True, **extra)
        url = f"http://127.0.0.1:{port + (0 if db == 'sqlite' else 10)}/"
        try:
            log(f"   busy newsroom, {label}: warming, quiet {quiet_seconds}s, busy {busy_seconds}s")
            wrk(url, 10, connections, script)  # every worker caches every page once
            quiet = wrk(url, quiet_seconds, connections, script)
            editors = subprocess.Popen(
                [PYTHON, "-m", "bench.newsroom", "editors", str(busy_seconds)],
                cwd=ROOT, env={**env, **extra}, stdout=subprocess.PIPE, text=True,
            )  # fmt: skip
            busy = wrk(url, busy_seconds, connections, script)
            done = json.loads(editors.communicate(timeout=busy_seconds + 60)[0].splitlines()[-1])
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
            if redis:
                redis.kill()
        results[label] = {
            "quiet_rps": round(quiet["rps"], 1),
            "busy_rps": round(busy["rps"], 1),
            "ratio": round(busy["rps"] / quiet["rps"], 3),
            "hit_ratio": round(busy["hit_ratio"], 4),
            "quiet_hit_ratio": round(quiet["hit_ratio"], 4),
            "max_ms": busy["max_ms"],
            "p99_ms": busy["p99_ms"],
            "errors": busy["non_2xx"],
            **done,
        }
    return results


def print_newsroom(result):
    log(f"busy newsroom ({result['db']}): readers with a Writer saving every second and a "
        "Publisher stepping every 30 s")  # fmt: skip
    log(f"{'caches':<16}{'quiet req/s':>12}{'busy req/s':>11}{'ratio':>7}{'hits':>8}"
        f"{'p99 ms':>8}{'max ms':>8}{'saves':>7}{'steps':>6}")  # fmt: skip
    for label, f in result["newsroom"].items():
        log(f"{label:<16}{f['quiet_rps']:>12.0f}{f['busy_rps']:>11.0f}{f['ratio']:>7.2f}"
            f"{f['hit_ratio']:>8.1%}{f['p99_ms']:>8.1f}{f['max_ms']:>8.0f}"
            f"{f['draft_saves']:>7}{f['publisher_steps']:>6}")  # fmt: skip


def print_table(result, baseline=None):
    c = result["ceilings"]
    constant, static = c["constant"], c["static"]
    log(
        f"\n{result['db']}, n={result['n']:,}, {result['import_rate']:,} releases/s seeded; "
        f"ceilings: constant bytes {constant['rps']:.0f} req/s (p50 {constant['p50_ms']:.1f} ms), "
        f"static file {static['rps']:.0f} req/s ({static['ratio']:.2f}×)"
    )
    header = f"{'page':<10}{'q':>3}{'cold req/s':>11}{'p50 ms':>8}{'p99 ms':>8}{'ratio':>7}"
    header += f"{'cached req/s':>13}{'p50 ms':>8}{'ratio':>7}{'redis':>7}"
    if baseline:
        header += f"{'p50 vs base':>12}"
    log(header)
    for page, f in result["pages"].items():
        line = f"{page:<10}{f['queries']:>3}{f['rps']:>11.0f}{f['p50_ms']:>8.2f}{f['p99_ms']:>8.2f}"
        line += f"{f['ratio']:>7.2f}{f['cached']['rps']:>13.0f}{f['cached']['p50_ms']:>8.2f}"
        line += f"{f['cached']['ratio']:>7.2f}{f['cached_redis']['ratio']:>7.2f}"
        if baseline and page in baseline["pages"]:
            line += f"{f['p50_ms'] / baseline['pages'][page]['p50_ms']:>11.2f}×"
        log(line)
    log(
        f"worker RSS after the run: {result['worker_rss_mb']} MB "
        f"(peak {result['worker_peak_rss_mb']}); "
        f"detail page transfer (gzip HTML + CSS): {result['detail_transfer_kb']} KB"
    )


def print_nginx(result):
    load = result.get("nginx_wrk", {})
    log(f"nginx micro-cache (wrk -t{load.get('threads')} -c{load.get('connections')}; "
        "targets: ≥ 10× gunicorn cached, ≥ 0.6× nginx static file)")  # fmt: skip
    log(f"{'page':<10}{'req/s':>9}{'× gunicorn cached':>19}{'× nginx static file':>21}"
        f"{'static req/s':>14}")  # fmt: skip
    for page, f in result["pages"].items():
        if "nginx" in f:
            x = f["nginx"]
            log(f"{page:<10}{x['rps']:>9.0f}{x['vs_cached']:>18.1f}×{x['vs_static']:>20.2f}×"
                f"{x['static_rps']:>14.0f}")  # fmt: skip


def main():
    n = env_int("BENCH_N", 10000)
    rounds = env_int("BENCH_ROUNDS", 3)
    seconds = env_int("BENCH_SECONDS", 3)
    connections = env_int("BENCH_CONNECTIONS", 4)
    wanted = os.environ.get("BENCH_DBS", "sqlite,postgresql").split(",")
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (apt-get install wrk); `make bench` installs it.")
    VAR.mkdir(parents=True, exist_ok=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    started = time.time()
    for db in wanted:
        if db == "postgresql" and not postgres_available():
            log("PostgreSQL is not answering on 127.0.0.1:5432; skipping it.")
            continue
        result = bench_database(db, n, rounds, seconds, connections)
        baseline_file = RESULTS / f"n10000-{db}.json"
        baseline = (
            json.loads(baseline_file.read_text()) if n != 10000 and baseline_file.exists() else None
        )
        print_table(result, baseline)
        print_nginx(result)
        print_newsroom(result)
        (RESULTS / f"n{n}-{db}.json").write_text(json.dumps(result, indent=2))
        latest = RESULTS / ("latest.json" if db == "sqlite" else f"latest-{db}.json")
        latest.write_text(json.dumps(result, indent=2))
    if "sqlite" in wanted:  # the hand-written pieces against stock Django, on that database
        database = {"DATABASE_URL": f"sqlite:///{VAR / 'bench-sqlite.sqlite3'}"}
        subprocess.run([PYTHON, "-m", "bench.candidates"], cwd=ROOT, check=True,
                       env={**os.environ, **database})  # fmt: skip
    if os.environ.get("BENCH_ALERTS", "1") != "0":
        db = "postgresql" if postgres_available() else "sqlite"
        alerts.report(alerts.run(db, env_int("BENCH_ALERT_SUBSCRIBERS", 100_000),
                                 env_int("BENCH_ALERT_WORKERS", 2)))  # fmt: skip
    log(f"\nDone in {time.time() - started:.0f} s; results in {RESULTS.relative_to(ROOT)}/")


if __name__ == "__main__":
    main()
