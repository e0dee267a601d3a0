# badgeportal — `make run` starts the demo, `make test` runs the tests. Both set everything up first.
PYTHON_VERSION := $(shell cat .python-version)
PYTHON := $(shell command -v pyenv >/dev/null 2>&1 && echo "$$(pyenv root)/versions/$(PYTHON_VERSION)/bin/python" || echo python3)
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py

.PHONY: install run demo test test-integration test-browser lint format worker beat bench clean

$(VENV)/.installed: requirements.txt .python-version
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

install: $(VENV)/.installed

demo: install
	$(MANAGE) migrate --noinput
	$(MANAGE) load_demo

run: demo
	$(MANAGE) runserver 127.0.0.1:8000

test: install
	$(PY) -m pytest -m "not integration and not browser"
	$(PY) -m pytest -m browser

# PostgreSQL, Redis, a real Celery worker and an SMTP server; CI runs these with the services required.
test-integration: install
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test} \
	REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/0} \
	$(PY) -m pytest -m integration

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

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
