# The two commands of the README.  Both create .venv/ on first use (Python 3.11; the CPU torch
# wheel on disk first, then the project), offline once the packages are installed.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.clinlabel-installed

.PHONY: demo test setup services clean-venv

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/clinlabel demo --out out/demo

# The review tests need Debian's chromium (browser test) and PostgreSQL (store tests): installed
# and started by scripts/ci_services.sh (root/sudo, apt).  Without them those tests skip and say why.
services:
	@bash scripts/ci_services.sh --dsn-file .pg_dsn >/dev/null || \
	  echo "make: could not install/start chromium and PostgreSQL (needs root or sudo); their tests will skip" >&2

# Tests marked slow (long integration runs) are left out here and run in CI: `make test PYTEST_ARGS=`.
PYTEST_ARGS ?= -m "not slow"

test: $(STAMP) services
	CLINLABEL_TEST_PG_URL="$${CLINLABEL_TEST_PG_URL:-$$(cat .pg_dsn 2>/dev/null)}" $(PY) -m pytest -q $(PYTEST_ARGS)

clean-venv:
	rm -rf $(VENV)
