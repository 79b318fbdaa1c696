# consular — the two commands a newcomer needs: `make run` and `make test`.
SHELL := /bin/bash
# The first Python 3.12+ that actually runs: a pyenv shim can exist for a version that
# the directory's .python-version does not select, and then fails when called.
PYTHON ?= $(shell for candidate in python3.14 python3.13 python3.12 python3; do \
	$$candidate -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1 && { command -v $$candidate; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: run test lint messages migrate seed venv browsers clean

$(BIN)/.installed: requirements.txt
	@test -n "$(PYTHON)" || { echo "consular needs Python 3.12 or newer; none found on PATH" >&2; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

venv: $(BIN)/.installed

# Compiled translations are build output: made from locale/*.po with Babel (pure Python, no gettext needed).
# Two domains: django (the pages) and djangojs (django-otp-webauthn's scripts, via /webauthn/jsi18n/).
# Prints one statistics line per catalogue; pipefail keeps a failed compile from passing unnoticed.
messages: venv
	@set -o pipefail; $(BIN)/pybabel compile --domain "django djangojs" --directory locale --use-fuzzy --statistics 2>&1 \
		| grep -v '^compiling catalog'

migrate: messages
	$(BIN)/python manage.py migrate --no-input -v0

seed: migrate
	$(BIN)/python manage.py seed_demo

run: seed
	$(BIN)/python manage.py collectstatic --no-input -v0
	@echo
	@echo "  consular is starting at http://localhost:$(PORT)/  (Ctrl-C stops the web server, worker and timers)"
	@echo "  Sign in with a demo login above; get its second-factor code with:"
	@echo "      $(BIN)/python manage.py demo_code nyc_clerk"
	@echo
	$(BIN)/python -m consular.run --port $(PORT)

test: messages
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -m "not browser and not gettext" $(PYTEST_ARGS)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

clean:
	rm -rf var .pytest_cache
