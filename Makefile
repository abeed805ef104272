# Two commands for a fresh machine:  `make run` (the app on SQLite with demo data) and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
FLASK := DIVERSION_ENV=development $(VENV)/bin/flask --app wsgi
# The PostgreSQL server the second test run creates its own fresh database on.
TEST_POSTGRES_URL ?= postgresql://postgres@127.0.0.1:5432/postgres
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run serve install assets chromium test test-sqlite test-postgres bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: setup.cfg pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

static/dist/app.css: node_modules/.installed static/src/app.scss
	npm run build

assets: static/dist/app.css

install: $(VENV)/.installed assets

## make run: install everything, migrate a SQLite database under instance/, load demo data, serve :5000
run: install
	$(FLASK) db upgrade
	$(FLASK) demo
	$(FLASK) run --host 127.0.0.1 --port 5000

## Debian's chromium for the browser tests (Playwright drives it; it never downloads a browser)
chromium:
	@command -v chromium >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium; }

## make test: install what the tests need, then run every test on SQLite and on PostgreSQL
test: install chromium
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres

# Two pytest-xdist worker processes (this machine's two cores), each with its own database; a browser-test module
# stays on one worker (--dist loadgroup, tests/e2e/conftest.py). PYTEST_WORKERS=0 runs everything in one process.
PYTEST_WORKERS ?= 2
# pytest exits 5 when it collected no test: for this project that means a broken selection, so it fails loudly.
PYTEST = $(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadgroup $(PYTEST_ARGS) || { rc=$$?; [ $$rc -ne 5 ] || echo "pytest collected no tests: failing" >&2; exit $$rc; }

test-sqlite:
	@echo "== tests on SQLite =="
	env -u DATABASE_URL $(PYTEST)

test-postgres:
	@echo "== tests on PostgreSQL ($(TEST_POSTGRES_URL), a fresh database created by the run) =="
	DATABASE_URL=$(TEST_POSTGRES_URL) $(PYTEST)

clean:
	rm -rf $(VENV) node_modules static/dist .pytest_cache

## make bench: the scale report (issue 14), in PostgreSQL on fresh databases it creates and drops: ten years of a
## national deployment seeded at 1,000, 100,000 and 1,000,000 contracts (with DIVERT, notes and audit in proportion);
## every page and API list's median server time at each size, the 1M / 1k ratio and SQL statements per request,
## marked against the goals; the ten-year case-level export of 1,000,000 rows; the caseload's throughput as a share
## of /health on gunicorn. About 11 minutes here. The narrower benchmarks run on their own: make bench-audit,
## bench-reoffending, bench-people-search.
bench: install
	$(PY) -m tests.bench.bench_scale

## make bench-people-search: people search on 1,000,000 people (and on 1,000) against its bare indexed SELECT
.PHONY: bench-people-search
bench-people-search: install
	$(PY) -m tests.bench.bench_people_search

## make bench-audit: the audit trail search (page filters and the API) on 10,000,000 audit events seeded in about
## five minutes: median times, statements per request and each search's plan (rows examined)
.PHONY: bench-audit
bench-audit: install
	$(PY) -m tests.bench.bench_audit

## make bench-reoffending: the CLI import of a 1,000,000-row proven reoffending extract (100,000 people with PNC ids)
## against PostgreSQL's COPY of the same file into a bare table (medians of 3; goal: at most 10x)
.PHONY: bench-reoffending
bench-reoffending: install
	$(PY) -m tests.bench.bench_reoffending

## make bench-reoffending-report: the proven reoffending report from its counters against the cohort scan it replaced,
## on 100,000 contracts and 200,000 DIVERT referrals (BENCH_CONTRACTS to change), and what keeping the counters adds
## to an import of 100,000 records (BENCH_IMPORT)
.PHONY: bench-reoffending-report
bench-reoffending-report: install
	$(PY) -m tests.bench.bench_reoffending_report

## make fuzz: schemathesis over the whole OpenAPI document against gunicorn (2 workers) on a fresh SQLite database with
## the demo data, as an administrator and as a custody officer: fails on any server error or under 5,000 cases in all
.PHONY: fuzz
fuzz: $(VENV)/.installed
	$(PY) tests/fuzz/run_fuzz.py
