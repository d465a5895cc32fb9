#!/bin/sh
# Entry point of every portal image.
#
# A command given as ONE string is a Procfile line: a shell command line whose
# ${VAR:-default} expand from the container's environment, e.g.
#   python -m portalkit.serve -b ${BIND_HOST:-127.0.0.1}:${ARTICLES_PORT:-8001} "articles.app:create_app()"
# It runs through sh with `exec`, so the process itself (not a shell) receives SIGTERM.
# A command given as several words runs as it is (`docker compose run articles python -m articles.manage upgrade`).
set -e
# The HTTP server's workers share their Prometheus figures through files in this (tmpfs) folder.
if [ -n "${PROMETHEUS_MULTIPROC_DIR:-}" ]; then
    mkdir -p "$PROMETHEUS_MULTIPROC_DIR"
fi
if [ "$#" -eq 1 ]; then
    exec /bin/sh -c "exec $1"
fi
exec "$@"
