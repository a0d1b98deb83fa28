# Two commands: `make serve` and `make test`. Both set up .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: serve test bench build clean deploy-check

# Debian packages the tests use: a real headless Chromium for the HTML pages, curl as a client, nginx as the proxy of the deployment check.
DEBIAN_TEST_PACKAGES := chromium curl nginx
DEBIAN_BENCH_PACKAGES := wrk
DEBIAN_DEPLOY_PACKAGES := nginx

define need_debian
	@missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			echo "installing Debian packages:$$missing"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
		else \
			echo "missing Debian packages:$$missing. Run: sudo apt-get install -y$$missing"; exit 1; \
		fi; \
	fi
endef

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
	$(call need_debian,$(DEBIAN_TEST_PACKAGES))
	$(BIN)/ruff check lod tests bench
	$(BIN)/ruff format --check lod tests bench
	$(BIN)/mypy lod
	$(BIN)/pytest

## benchmarks (see README.md, "Benchmarks")
bench: $(STAMP)
	$(call need_debian,$(DEBIAN_BENCH_PACKAGES))
	$(BIN)/python -m bench

## the deployment topology without containers: an Oxigraph server, two lod processes, nginx in front
deploy-check: $(STAMP)
	$(call need_debian,$(DEBIAN_DEPLOY_PACKAGES))
	$(BIN)/python deploy/check.py

build: $(STAMP)
	$(BIN)/lod build

clean:
	rm -rf $(VENV) var
