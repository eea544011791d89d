# Couplet: every target sets itself up first (virtualenv + locked install).
UV_VERSION := 0.13.8
UV := $(shell command -v uv 2>/dev/null || echo .venv-uv/bin/uv)
RUN := $(UV) run --frozen

.PHONY: setup run demo test test-sqlite lint format schema bench clean

$(UV):
	python3 -m venv .venv-uv && .venv-uv/bin/pip install -q uv==$(UV_VERSION)

setup: $(UV)  ## create .venv and install the locked dependencies
	$(UV) sync --frozen

run: setup  ## serve the API (COUPLET_* settings; SQLite by default)
	$(RUN) couplet serve

demo: setup  ## the service with sample data, embedded database, on :8000
	$(RUN) couplet demo

test: setup  ## the whole suite (PostgreSQL/Redis parts need COUPLET_TEST_POSTGRES_URL / COUPLET_TEST_REDIS_URL)
	$(RUN) pytest -q

lint: setup
	$(RUN) ruff format --check .
	$(RUN) ruff check .
	$(RUN) mypy

format: setup
	$(RUN) ruff format .
	$(RUN) ruff check --fix .

schema: setup  ## regenerate schema.graphql
	$(RUN) couplet schema export --output schema.graphql

bench: setup  ## benchmarks: each prints its figures
	@for b in bench/*.py; do echo "== $$b"; $(RUN) python $$b || exit 1; done

clean:
	rm -rf .venv .venv-uv .couplet .pytest_cache .mypy_cache .ruff_cache
