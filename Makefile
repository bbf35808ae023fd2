# callq: `make run` opens the workstation, `make test` runs the whole suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/callq $(ARGS)

test: $(STAMP)
	$(BIN)/ruff check models tui tests
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check models tui tests
	$(BIN)/ruff format --check models tui tests

bench: $(STAMP)
	$(BIN)/python -m tests.bench $(ARGS)

clean:
	rm -rf $(VENV) build *.egg-info
