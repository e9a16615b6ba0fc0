# The README's commands. Every target sets itself up: a fresh clone needs only python3.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

CHECKERS := tests/checkers
PDS := tests/social/pds

.PHONY: run worker test test-fast test-sqlite test-postgres lint setup clean bench checkers pds \
	messages

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

# A development .env with a fresh random SECRET_KEY; never overwrites an existing one.
.env:
	@echo "DEBUG=1" > .env
	@echo "SECRET_KEY=$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')" >> .env
	@echo "Wrote .env for development (DEBUG=1, random SECRET_KEY)."

setup: $(VENV)/.installed .env

# The HTML and accessibility checkers the browser tests run (tests/browser/checkers.py): the Nu
# Html Checker (needs Java) and HTML_CodeSniffer, pinned in package-lock.json. Skipped without npm.
$(CHECKERS)/node_modules/.installed: $(CHECKERS)/package.json $(CHECKERS)/package-lock.json
	@if command -v npm >/dev/null; then \
	  npm ci --prefix $(CHECKERS) --ignore-scripts --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm not found: the Nu Html Checker and HTML_CodeSniffer tests will skip."; fi

checkers: $(CHECKERS)/node_modules/.installed

# Bluesky's reference PDS and a PLC directory (tests/social/test_bluesky_pds.py runs them on
# loopback), pinned in package-lock.json. Install scripts stay off; better-sqlite3 is the one
# package that needs its native module, compiled here by the rebuild (a C++ compiler and make;
# build_from_source: no prebuilt binary fetched from GitHub). Skipped without npm.
$(PDS)/node_modules/.installed: $(PDS)/package.json $(PDS)/package-lock.json
	@if command -v npm >/dev/null; then \
	  npm ci --prefix $(PDS) --ignore-scripts --no-audit --no-fund --loglevel=error && \
	  npm_config_build_from_source=true npm rebuild --prefix $(PDS) --loglevel=error \
	    better-sqlite3 && touch $@; \
	else echo "npm not found: the tests against Bluesky's reference PDS will skip."; fi

pds: $(PDS)/node_modules/.installed

run: setup
	$(PY) manage.py migrate --noinput
	@$(PY) manage.py create_demo_admin
	$(PY) manage.py seed_demo
	@$(PY) manage.py trim_change_log
	@echo "Site: http://127.0.0.1:8000/ (a worker beside it sends mail; in DEBUG it prints it;"
	@echo "publish_due runs every minute, as its timer does in production)"
	@$(PY) manage.py deliver & worker=$$!; \
	  while true; do $(PY) manage.py publish_due >/dev/null; sleep 60; done & timer=$$!; \
	  trap "kill $$worker $$timer" EXIT INT TERM; \
	  $(PY) manage.py runserver 127.0.0.1:8000

# The background worker alone: queued tasks and alert e-mail (manage.py deliver).
worker: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py deliver

# SQLite always; PostgreSQL too when PRESSOFFICE_REQUIRE_POSTGRES=1 (CI), failing if unreachable.
test: $(VENV)/.installed checkers pds
	$(MAKE) test-sqlite
	@if [ "$$PRESSOFFICE_REQUIRE_POSTGRES" = "1" ]; then $(MAKE) test-postgres; \
	else echo "PostgreSQL pass skipped: set PRESSOFFICE_REQUIRE_POSTGRES=1 to run it."; fi

# The quick loop while working: SQLite, without the tests that start servers, browsers or
# processes or run long (markers in pyproject.toml, set in tests/conftest.py); a few examples per
# property test (Hypothesis's "fast" profile, tests/conftest.py); the test database made from
# the models, not by running every migration (`make lint` checks they agree). pytest keeps the
# test modules it rewrites only where bytecode may be written, hence the empty
# PYTHONDONTWRITEBYTECODE. `make test` runs everything, migrations and full profile included.
test-fast: $(VENV)/.installed
	PYTHONDONTWRITEBYTECODE= PRESSOFFICE_TEST_DB=sqlite $(PY) -m pytest \
	  --ds=pressoffice.test_settings -q -n 2 --dist worksteal \
	  -m "not servers and not browser and not slow" \
	  --hypothesis-profile=fast --nomigrations $(PYTEST_ARGS)

# Two processes, each with its own test database file, then the browser tests in one: each
# drives Chromium against a live server, and two at once on two cores only make each slower.
# pytest's "no tests collected" (5) is no failure: PYTEST_ARGS may name tests of one part only.
test-sqlite: $(VENV)/.installed
	PRESSOFFICE_TEST_DB=sqlite $(PY) -m pytest --ds=pressoffice.test_settings \
	  -n 2 -m "not browser" $(PYTEST_ARGS) || [ $$? -eq 5 ]
	PRESSOFFICE_TEST_DB=sqlite $(PY) -m pytest --ds=pressoffice.test_settings \
	  -m browser $(PYTEST_ARGS) || [ $$? -eq 5 ]

# The browser tests run once, in the SQLite pass: they check pages and forms in Chromium, and
# what they rest on in the database is tested on PostgreSQL by the rest of the suite. Two
# processes, each with its own test database.
test-postgres: $(VENV)/.installed
	PRESSOFFICE_TEST_DB=postgres $(PY) -m pytest --ds=pressoffice.test_settings \
	  -n 2 -m "not browser" $(PYTEST_ARGS)

# The translation catalogues: gather the words marked for translation (babel.cfg) into
# locale/django.pot, add the new ones to each language's django.po, then compile the .mo files
# Django reads (committed, so a deploy needs no extra step; a test checks they match the .po).
messages: $(VENV)/.installed
	$(VENV)/bin/pybabel extract -F babel.cfg -k gettext_lazy -k pgettext_lazy:1c,2 \
	  -k ngettext_lazy:1,2 -k npgettext_lazy:1c,2,3 --no-location --sort-output \
	  -o locale/django.pot .
	$(VENV)/bin/pybabel update -i locale/django.pot -d locale -D django --no-fuzzy-matching
	$(VENV)/bin/pybabel compile -d locale -D django --statistics

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DJANGO_SETTINGS_MODULE=pressoffice.test_settings $(PY) manage.py check
	DJANGO_SETTINGS_MODULE=pressoffice.test_settings $(PY) manage.py makemigrations --check --dry-run

# Load test on loopback only (see bench/run.py; wrk and nginx from apt); BENCH_N=100000 for the
# scale run.
bench: $(VENV)/.installed
	@command -v wrk >/dev/null && { command -v nginx >/dev/null || [ -x /usr/sbin/nginx ]; } || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk nginx)
	$(PY) -m bench.run

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .test-media staticfiles bench/var $(CHECKERS)/node_modules \
	  $(PDS)/node_modules
