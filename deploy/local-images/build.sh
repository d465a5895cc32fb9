#!/usr/bin/env bash
# Base images made from Debian's packages, for hosts that cannot pull from a registry
# (an air-gapped site, a build machine without registry access). See OPERATIONS.md,
# "Hosts that cannot pull images".
#
#   deploy/local-images/build.sh [ENV_FILE]
#
# Builds with podman (or docker: CONTAINER_ENGINE=docker) a minimal Debian bookworm with
# debootstrap, then on it: a Python 3.11 base, a uv image, Redis, PostgreSQL, nginx, and
# the monitoring profile's Prometheus and Redis and PostgreSQL exporters.
# Writes the image references for docker-compose.yml and the Dockerfile into ENV_FILE
# (default: print them). An image already built is kept; LOCAL_IMAGES_REBUILD=1 makes
# them all again. DEBIAN_MIRROR picks the Debian mirror.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
engine="${CONTAINER_ENGINE:-podman}"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
security_mirror="${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}"
uv_version="$(sed -n 's/^UV_VERSION := //p' "$root/Makefile")"

DEBIAN_IMAGE=localhost/portal-debian:bookworm
PYTHON_IMAGE=localhost/portal-python:3.11
UV_IMAGE="localhost/portal-uv:$uv_version"
REDIS_IMAGE=localhost/portal-redis:7
POSTGRES_IMAGE=localhost/portal-postgres:15
NGINX_IMAGE=localhost/portal-nginx:1.22
# The monitoring profile's images (Grafana is not packaged by Debian: OPERATIONS.md).
PROMETHEUS_IMAGE=localhost/portal-prometheus:2
REDIS_EXPORTER_IMAGE=localhost/portal-redis-exporter:1
POSTGRES_EXPORTER_IMAGE=localhost/portal-postgres-exporter:0

have() { [ -z "${LOCAL_IMAGES_REBUILD:-}" ] && "$engine" image inspect "$1" >/dev/null 2>&1; }

debian() {
    have "$DEBIAN_IMAGE" && return
    local rootfs
    rootfs="$(mktemp -d)"
    trap 'rm -rf "$rootfs"' RETURN
    echo "debootstrap bookworm from $mirror" >&2
    debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >&2
    cat > "$rootfs/etc/apt/sources.list" <<SOURCES
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb $security_mirror bookworm-security main
SOURCES
    printf 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n' \
        > "$rootfs/etc/apt/apt.conf.d/90portal"
    rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* \
        "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/locale/*
    tar -C "$rootfs" -c . | "$engine" import --change 'CMD ["bash"]' - "$DEBIAN_IMAGE" >&2
}

build() {  # IMAGE CONTAINERFILE [CONTEXT]
    have "$1" && return
    echo "building $1" >&2
    "$engine" build --format docker --build-arg "BASE_IMAGE=$DEBIAN_IMAGE" \
        -f "$here/$2" -t "$1" "${3:-$here}" >&2
}

uv_image() {
    have "$UV_IMAGE" && return
    local context
    context="$(mktemp -d)"
    trap 'rm -rf "$context"' RETURN
    make -C "$root" --no-print-directory .tools/bin/uv >&2
    [ "$("$root/.tools/bin/uv" --version | cut -d' ' -f2)" = "$uv_version" ]
    cp "$root/.tools/bin/uv" "$here/uv.Containerfile" "$context/"
    build "$UV_IMAGE" uv.Containerfile "$context"
}

debian
# The images on the Debian base build side by side (mostly waiting on downloads).
pids=()
build "$PYTHON_IMAGE" python.Containerfile & pids+=($!)
build "$REDIS_IMAGE" redis.Containerfile & pids+=($!)
build "$POSTGRES_IMAGE" postgres.Containerfile & pids+=($!)
build "$NGINX_IMAGE" nginx.Containerfile & pids+=($!)
build "$PROMETHEUS_IMAGE" prometheus.Containerfile & pids+=($!)
build "$REDIS_EXPORTER_IMAGE" redis-exporter.Containerfile & pids+=($!)
build "$POSTGRES_EXPORTER_IMAGE" postgres-exporter.Containerfile & pids+=($!)
uv_image
for pid in "${pids[@]}"; do
    wait "$pid"
done

settings="PYTHON_IMAGE=$PYTHON_IMAGE
UV_IMAGE=$UV_IMAGE
REDIS_IMAGE=$REDIS_IMAGE
POSTGRES_IMAGE=$POSTGRES_IMAGE
NGINX_IMAGE=$NGINX_IMAGE
PROMETHEUS_IMAGE=$PROMETHEUS_IMAGE
REDIS_EXPORTER_IMAGE=$REDIS_EXPORTER_IMAGE
POSTGRES_EXPORTER_IMAGE=$POSTGRES_EXPORTER_IMAGE"
if [ -n "${1:-}" ]; then
    printf '%s\n' "$settings" >> "$1"
else
    printf '%s\n' "$settings"
fi
