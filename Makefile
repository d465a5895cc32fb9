# One Makefile drives every service. `make run` and `make test` set themselves up.
SHELL := /bin/bash
PYTHON ?= python3
TOOLS := .tools
UV := $(TOOLS)/bin/uv
UV_VERSION := 0.13.8
VENV := .venv
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: setup run test lint format clean

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet "uv==$(UV_VERSION)"

# Bytecode is written at setup, as the images have it (UV_COMPILE_BYTECODE): where
# PYTHONDONTWRITEBYTECODE is set, every worker would otherwise compile what it imports.
$(VENV)/.synced: uv.lock pyproject.toml libs/portalkit/pyproject.toml services/*/pyproject.toml | $(UV)
	flock $(TOOLS)/.sync.lock $(UV) sync --frozen --all-packages --compile-bytecode --python $(PYTHON)
	@touch $@

setup: $(VENV)/.synced

run: setup
	$(VENV)/bin/python scripts/run.py

# The suite runs on TEST_WORKERS pytest-xdist workers (0: in this process), each file's
# tests on one worker (tests/conftest.py); most of its time is spent waiting on servers.
TEST_WORKERS ?= 2
test: setup
	$(VENV)/bin/python -m pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: setup
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) $(TOOLS) var/run

# --- the production shape on one host: Docker Compose (see OPERATIONS.md) -----------
# Docker Compose where a Docker engine answers; otherwise podman, through
# deploy/podman/stack.py (LOCAL_IMAGES=1 builds the base images from Debian's packages).
ENGINE_COMPOSE := $(shell docker info >/dev/null 2>&1 && docker compose version >/dev/null 2>&1 && echo "docker compose")
PODMAN_STACK := $(VENV)/bin/python deploy/podman/stack.py
COMPOSE ?= $(if $(ENGINE_COMPOSE),$(ENGINE_COMPOSE),$(PODMAN_STACK) compose)
.PHONY: up down logs

up:
	@test -f .env || { echo "no .env: copy .env.example to .env and set its settings first" >&2; exit 1; }
ifneq ($(ENGINE_COMPOSE),)
	@test -d "$${PORTAL_SECRETS_DIR:-secrets}" || { echo "no secrets: run .venv/bin/python deploy/make_secrets.py" >&2; exit 1; }
	$(COMPOSE) up --build --detach
else
	$(MAKE) --no-print-directory setup
	$(PODMAN_STACK) up $(if $(LOCAL_IMAGES),--local-images)
endif
	$(COMPOSE) ps

down:
ifneq ($(ENGINE_COMPOSE),)
	$(COMPOSE) down
else
	$(PODMAN_STACK) down
endif

logs:
	$(COMPOSE) logs --follow --tail=200 $(SERVICE)

# --- benchmarks: not part of `make test` (see BENCHMARKS.md) -------------------------
.PHONY: bench
bench: setup
	$(VENV)/bin/python -m bench
	$(VENV)/bin/python -m bench.photos
