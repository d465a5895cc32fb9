# syntax=docker/dockerfile:1.7
# Every service image of the portal, from one recipe: the build argument SERVICE names
# the service (articles, counter, weather, web, newsroom) and PORT its API's port. One image per
# service runs all of that service's processes; docker-compose.yml gives each its
# command and passes both arguments. Build from the repository root:
#   docker build --build-arg SERVICE=articles --build-arg PORT=8001 -t portal-articles .
# PYTHON_IMAGE and UV_IMAGE swap the base images (deploy/local-images builds stand-ins).

ARG PYTHON_IMAGE=python:3.11-slim-bookworm
ARG UV_IMAGE=ghcr.io/astral-sh/uv:0.13.8

FROM ${UV_IMAGE} AS uv

# --- build: a virtual environment with the locked dependencies and the service ------
# uv trusts the base image's CA bundle (UV_NATIVE_TLS): a builder behind a TLS-inspecting
# proxy mounts its own bundle over it (deploy/podman/stack.py does).
FROM ${PYTHON_IMAGE} AS build
ARG SERVICE
COPY --from=uv /uv /usr/local/bin/uv
ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PYTHON=/usr/local/bin/python3.11 \
    UV_PROJECT_ENVIRONMENT=/app/.venv \
    UV_NATIVE_TLS=1
WORKDIR /src
# The workspace manifests and the lock first: this layer is rebuilt only when they change.
COPY pyproject.toml uv.lock ./
COPY libs/portalkit/pyproject.toml libs/portalkit/
COPY services/articles/pyproject.toml services/articles/
COPY services/counter/pyproject.toml services/counter/
COPY services/weather/pyproject.toml services/weather/
COPY services/web/pyproject.toml services/web/
COPY services/newsroom/pyproject.toml services/newsroom/
RUN --mount=type=cache,target=/root/.cache/uv \
    test -n "${SERVICE}" \
    && uv sync --frozen --no-dev --package "portal-${SERVICE}" --no-install-workspace
COPY libs/portalkit/ libs/portalkit/
COPY services/${SERVICE}/ services/${SERVICE}/
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --package "portal-${SERVICE}" --no-editable

# --- backup: `python -m portalkit.backup` with PostgreSQL's client programs ------------
# Built with SERVICE=articles (its environment holds portalkit and boto3) and
# `--target backup` (docker-compose.yml's `backup` service). pg_dump may not be older
# than the server, so the client comes from PostgreSQL's own Debian repository for the
# major version PG_MAJOR (the server's; postgres:16 in Compose). PGDG=no takes Debian's
# own client instead (for the local stand-in images, whose PostgreSQL is Debian's).
FROM ${PYTHON_IMAGE} AS backup
ARG PG_MAJOR=16
ARG PGDG=yes
RUN apt-get update \
    && package=postgresql-client \
    && if [ "$PGDG" = yes ]; then \
        apt-get install -y --no-install-recommends ca-certificates curl \
        && curl -fsSL -o /usr/share/keyrings/pgdg.asc https://www.postgresql.org/media/keys/ACCC4CF8.asc \
        && . /etc/os-release \
        && echo "deb [signed-by=/usr/share/keyrings/pgdg.asc] https://apt.postgresql.org/pub/repos/apt ${VERSION_CODENAME}-pgdg main" \
            > /etc/apt/sources.list.d/pgdg.list \
        && apt-get update \
        && apt-get purge -y curl \
        && package="postgresql-client-${PG_MAJOR}"; \
    fi \
    && apt-get install -y --no-install-recommends "$package" \
    && apt-get autoremove -y && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 portal \
    && useradd --system --uid 10001 --gid portal --home-dir /app --shell /usr/sbin/nologin portal \
    && mkdir -p /backups && chown portal:portal /backups
COPY --from=build /app/.venv /app/.venv
COPY --chmod=0755 deploy/docker/entrypoint.sh /usr/local/bin/portal-entrypoint
ENV PATH=/app/.venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    BACKUP_TARGET=file:///backups
WORKDIR /app
USER portal:portal
HEALTHCHECK --interval=5m --timeout=60s --start-period=1h --retries=1 \
    CMD python -m portalkit.backup check
ENTRYPOINT ["portal-entrypoint"]
CMD ["python -m portalkit.backup run"]

# --- runtime: the environment only, run by an unprivileged user ----------------------
# Compose mounts the root read-only with a tmpfs on /tmp: the Prometheus files of the
# server's workers, and gunicorn's control socket (XDG_RUNTIME_DIR) under HTTP_SERVER=gunicorn.
FROM ${PYTHON_IMAGE} AS runtime
ARG SERVICE
ARG PORT
RUN groupadd --system --gid 10001 portal \
    && useradd --system --uid 10001 --gid portal --home-dir /app --shell /usr/sbin/nologin portal \
    && mkdir -p /app/var/media \
    && chown -R portal:portal /app/var
COPY --from=build /app/.venv /app/.venv
COPY --chmod=0755 deploy/docker/entrypoint.sh /usr/local/bin/portal-entrypoint
COPY --chmod=0755 deploy/docker/healthcheck.py /usr/local/bin/portal-healthcheck
ENV PATH=/app/.venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    BIND_HOST=0.0.0.0 \
    XDG_RUNTIME_DIR=/tmp \
    FORWARDED_ALLOW_IPS=* \
    PORTAL_SERVICE=${SERVICE} \
    PORTAL_PORT=${PORT}
WORKDIR /app
USER portal:portal
EXPOSE ${PORT}
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
    CMD portal-healthcheck http "$PORTAL_PORT"
ENTRYPOINT ["portal-entrypoint"]
# One string, like a Procfile line (see deploy/docker/entrypoint.sh): the service's API.
CMD ["python -m portalkit.serve -b ${BIND_HOST:-127.0.0.1}:${PORTAL_PORT} \"${PORTAL_SERVICE}.app:create_app()\""]
