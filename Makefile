# DHR Hub: `make run` serves the demo, `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PO := $(wildcard core/translations/*/LC_MESSAGES/messages.po \
        plugins/*/translations/*/LC_MESSAGES/*.po)
PLUGINS := $(patsubst plugins/%/,%,$(dir $(wildcard plugins/*/plugin.py)))
MO := $(PO:.po=.mo)
HOST ?= 127.0.0.1
PORT ?= 8000
export FLASK_APP := wsgi
# gunicorn's access log without query strings (%(U)s is the path alone): links in emails
# carry their single-use token in the query string.
ACCESS_LOG := '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)s'


.PHONY: run test install migrate demo translations docs assets clean e2e-deps test-deps screenshots

install: $(STAMP) $(MO)

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]' -c constraints.txt
	@touch $(STAMP)

%.mo: %.po $(STAMP)
	$(BIN)/pybabel compile --statistics -i $< -o $@

migrate: install
	$(BIN)/flask db upgrade

demo: migrate
	$(BIN)/flask dhr demo load

run: demo
	$(BIN)/gunicorn --workers 2 --bind $(HOST):$(PORT) --access-logfile - \
	  --access-logformat $(ACCESS_LOG) wsgi:app

# SQLite always, browser tests included; PostgreSQL as well when DHR_TEST_DATABASE_URL is
# set (see .ci/run). The two passes share nothing (each has its own database, ports, Redis
# prefixes and temporary folders), so they run side by side, one per core; the PostgreSQL
# pass's output is printed after the SQLite pass's. The browser tests drive gunicorn on its
# own SQLite instance, so they run once, in the SQLite pass.
test: install test-deps
	@pg_log=$$(mktemp); pg_pid=; \
	if [ -n "$$DHR_TEST_DATABASE_URL" ]; then \
	  DHR_TEST_TARGET=postgresql $(BIN)/pytest -q -p no:cacheprovider -m "not e2e" \
	    >"$$pg_log" 2>&1 & pg_pid=$$!; \
	fi; \
	echo "== the suite on SQLite =="; \
	$(BIN)/pytest -q; sqlite_rc=$$?; pg_rc=0; \
	if [ -n "$$pg_pid" ]; then \
	  wait $$pg_pid; pg_rc=$$?; \
	  echo "== the same suite on PostgreSQL =="; cat "$$pg_log"; \
	fi; \
	rm -f "$$pg_log"; \
	echo "SQLite pass exit $$sqlite_rc, PostgreSQL pass exit $$pg_rc"; \
	test $$sqlite_rc -eq 0 -a $$pg_rc -eq 0

# What the suite drives besides Python: the browser (below) and Debian's ClamAV daemon, which
# the upload-scanning tests start on a signature file of their own (nothing is downloaded).
test-deps: e2e-deps
	@test -x /usr/sbin/clamd || { \
	  echo "Installing Debian's clamav-daemon for the upload-scanning tests"; \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
	    clamav-daemon >/dev/null; }

# The browser tests need Debian's Chromium (never a downloaded browser) and axe-core.
e2e-deps: assets/node_modules/axe-core/axe.min.js
	@test -x /usr/bin/chromium || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null; }

assets/node_modules/axe-core/axe.min.js: assets/package.json assets/package-lock.json
	cd assets && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# docs/screenshots/*.png, shown in the README: the demo's main pages in Debian's Chromium.
screenshots: install e2e-deps
	$(BIN)/python -m tests.e2e.screenshots

# The benchmark (never a test): PostgreSQL on 127.0.0.1:5432 as .ci/run expects, Debian's
# wrk, the invented scale data (kept between runs), gunicorn as `make run` serves; prints
# the table and adds it to docs/performance.md. Smaller: make bench BENCH_ARGS="--big-tenants 60".
.PHONY: bench
bench: install
	@command -v wrk >/dev/null || { \
	  echo "Installing Debian's wrk for the benchmark"; \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk >/dev/null; }
	$(BIN)/python -m bench.run $(BENCH_ARGS)

translations: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k N_ --no-location --sort-output \
	  -o core/translations/messages.pot .
	$(BIN)/pybabel update -i core/translations/messages.pot -d core/translations --no-fuzzy-matching
	for p in $(PLUGINS); do \
	  $(BIN)/pybabel extract -F plugins/babel.cfg -k _l --no-location --sort-output \
	    -o plugins/$$p/translations/$$p.pot plugins/$$p && \
	  $(BIN)/pybabel update -i plugins/$$p/translations/$$p.pot -d plugins/$$p/translations \
	    -D $$p --no-fuzzy-matching; \
	done
	$(MAKE) $(MO)

# The hook reference in docs/plugins.md comes from the hookspec docstrings.
docs: install
	$(BIN)/python -m core.hooks.docs > docs/plugins.md

clean:
	rm -rf $(VENV) instance .pytest_cache

# The stylesheet: GOV.UK Frontend's Sass with a system font (needs npm; the output in
# core/static is committed so that `make run` does not).
assets:
	cd assets && npm ci --no-audit --no-fund && \
	  npx sass --pkg-importer=node --style=compressed --no-source-map app.scss ../core/static/app.min.css && \
	  cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js ../core/static/
