# Two commands: `make serve` and `make test`. Both set up .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: serve test check bench build clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

## build the bundled data into the embedded store and serve it on http://127.0.0.1:8000/
serve: $(STAMP)
	$(BIN)/lod build
	$(BIN)/lod serve

## lint, types and the whole test suite
test: $(STAMP)
	$(BIN)/ruff check lod tests bench
	$(BIN)/ruff format --check lod tests bench
	$(BIN)/mypy lod
	$(BIN)/pytest

## benchmarks (see bench/README.md)
bench: $(STAMP)
	$(BIN)/python -m bench

build: $(STAMP)
	$(BIN)/lod build

clean:
	rm -rf $(VENV) var
