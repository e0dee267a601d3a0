# badgeportal — `make run` starts the demo, `make test` runs the tests. Both set everything up first.
PYTHON_VERSION := $(shell cat .python-version)
# The interpreter named in .python-version: pyenv's if present, else python3.12 on the PATH.
PYTHON := $(shell if command -v pyenv >/dev/null 2>&1 && [ -x "$$(pyenv root)/versions/$(PYTHON_VERSION)/bin/python" ]; \
	then echo "$$(pyenv root)/versions/$(PYTHON_VERSION)/bin/python"; else command -v python3.12 || echo python3; fi)
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
# The demo's port (`make run PORT=8001`); the links it prints and emails follow it unless SITE_URL is set.
PORT ?= 8000
SITE_URL ?= http://127.0.0.1:$(PORT)

.PHONY: install install-test run demo test test-integration test-browser lint format worker beat bench bench-jobs bench-outbox bench-dashboard bench-api bench-imports clean validate-ob

$(VENV)/.installed: requirements.txt .python-version
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

# axe-core, the accessibility checker the browser tests inject; optional where npm is missing.
node_modules/.installed: package.json package-lock.json
	if command -v npm >/dev/null 2>&1; then npm ci --silent --no-audit --no-fund && touch $@; fi

install: $(VENV)/.installed

install-test: install node_modules/.installed

# The demo runs with DEBUG on (runserver then serves static files and media); the settings default is off.
demo run: export DEBUG ?= True

demo: install
	$(MANAGE) migrate --noinput
	SITE_URL=$(SITE_URL) $(MANAGE) load_demo

run: demo
	SITE_URL=$(SITE_URL) $(MANAGE) runserver 127.0.0.1:$(PORT)

# Everything but the tests that need PostgreSQL, Redis and a Celery worker (those skip, saying why),
# spread over the machine's cores.
test: install-test
	$(PY) -m pytest -m "not integration" -n auto

# The whole suite on PostgreSQL and Redis, with a real Celery worker and SMTP server for the integration tests.
# REQUIRE_SERVICES=1 turns a missing service into a failure instead of a skip (CI sets it).
test-integration: install-test
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test} \
	REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/0} \
	$(PY) -m pytest -m "not browser"

# 1EdTech's OB 2.0 reference validator predates Python 3.12: it gets a 3.11 virtualenv of its own.
OB_VALIDATOR := .venv-obvalidator
OB_PYTHON := $(shell if command -v pyenv >/dev/null 2>&1 && [ -x "$$(pyenv root)/versions/3.11.7/bin/python" ]; \
	then echo "$$(pyenv root)/versions/3.11.7/bin/python"; else command -v python3.11 || echo python3.11; fi)

$(OB_VALIDATOR)/.installed: tools/ob-validator-requirements.txt
	test -x $(OB_VALIDATOR)/bin/python || $(OB_PYTHON) -m venv $(OB_VALIDATOR)
	$(OB_VALIDATOR)/bin/python -m pip install --quiet --no-deps -r tools/ob-validator-requirements.txt
	touch $@

# A live server with an accepted award; the validator checks its hosted assertion and baked PNG.
validate-ob: install $(OB_VALIDATOR)/.installed
	REQUIRE_SERVICES=1 $(PY) -m pytest -m integration badges/openbadges/tests/test_ob_validator.py

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

worker: install
	$(VENV)/bin/celery -A badgeportal worker --loglevel=info

beat: install
	$(VENV)/bin/celery -A badgeportal beat --loglevel=info --schedule var/celerybeat-schedule

bench: install
	$(PY) bench/run.py

bench-jobs: install
	$(PY) bench/jobs/run.py

bench-outbox: install
	$(PY) bench/outbox/run.py

bench-dashboard: install
	$(PY) bench/dashboard/run.py

bench-api: install
	$(PY) bench/api/run.py

bench-imports: install
	$(PY) bench/imports/run.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
