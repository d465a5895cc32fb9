#!/bin/sh
# The official nginx image's entry point, in short: source the executable
# /docker-entrypoint.d/*.envsh, then render every /etc/nginx/templates/*.template into
# /etc/nginx/conf.d with the environment variables whose names match
# NGINX_ENVSUBST_FILTER (all of them when unset), then run nginx.
set -e
for script in /docker-entrypoint.d/*.envsh; do
    if [ -f "$script" ] && [ -x "$script" ]; then
        . "$script"
    fi
done
names="$(env | cut -d= -f1 | grep -E "${NGINX_ENVSUBST_FILTER:-.}" || true)"
variables="$(printf '${%s} ' $names)"
for template in /etc/nginx/templates/*.template; do
    [ -f "$template" ] || continue
    output="/etc/nginx/conf.d/$(basename "$template" .template)"
    envsubst "$variables" < "$template" > "$output"
done
exec "$@"
