# Two commands matter: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
# Two pytest-xdist workers per CPU (at most 8): a worker often waits (a Pilot pausing for the
# screen, PostgreSQL, a child process, fsync), so one per CPU left the CPUs half idle
# (docs/benchmarks.md, "Test suite").
WORKERS ?= $(shell n=$$(nproc 2>/dev/null || echo 2); w=$$((n * 2)); [ $$w -gt 8 ] && w=8; echo $$w)

.PHONY: run test lint bench clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "clerk needs Python >= 3.11"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

run: $(VENV)/.installed
	$(BIN)/clerk setup
	$(BIN)/clerk

test: $(VENV)/.installed
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/ruff check clerk tests bench
	$(BIN)/python -m pytest -n $(WORKERS) --dist loadgroup

bench: $(VENV)/.installed
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache
