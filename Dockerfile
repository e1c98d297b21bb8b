# One image for every ocpsum process: worker, reducer, board and the one-shot commands
# (enqueue, generate, status, …). `docker build -t ocpsum .`, then `docker run --rm ocpsum --help`.
#
# Debian slim, not Alpine: DuckDB's prebuilt binaries (@duckdb/node-bindings-linux-*) need glibc.
# Works with BuildKit and with the legacy builder (no RUN --mount, no heredocs).

# Node 24, the current LTS.
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS base
WORKDIR /app
ENV NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false

# The package manifests alone (root and every workspace), so the `npm ci` layers below are rebuilt only
# when a dependency changes, not on every source edit. New workspaces are picked up without editing
# this file.
FROM base AS manifests
COPY . /src
RUN cd /src \
 && find . -type f ! -name package.json ! -name package-lock.json -delete \
 && find . -depth -type d -empty -delete

# Build: every dependency, then `tsc -b` (what `npm ci` runs as `prepare` outside Docker).
FROM base AS build
COPY --from=manifests /src/ ./
RUN npm ci --ignore-scripts
COPY . .
RUN npm run build \
 && mkdir -p /out \
 && for dir in $(node -p "require('./package.json').workspaces.join(' ')"); do \
      if [ -d "$dir/dist" ]; then \
        mkdir -p "/out/$dir" && cp -R "$dir/package.json" "$dir/dist" "/out/$dir/"; \
        if [ -d "$dir/examples" ]; then cp -R "$dir/examples" "/out/$dir/"; fi; \
        if [ -d "$dir/sql" ]; then cp -R "$dir/sql" "/out/$dir/"; fi; \
      fi; \
    done

# Runtime: production dependencies only, the compiled workspaces, a health check that needs no curl.
FROM base AS runtime
ENV NODE_ENV=production
COPY --from=manifests /src/ ./
RUN npm ci --omit=dev --ignore-scripts \
 && npm cache clean --force \
 && rm -rf /root/.npm /tmp/*
COPY --from=build /out/ ./
COPY infra/docker/healthcheck.mjs /app/healthcheck.mjs

# The node image's unprivileged user, by number so Kubernetes' runAsNonRoot can verify it. Nothing
# under /app is writable by it; the processes write only to /tmp (DuckDB, downloaded objects).
USER 1000:1000

# Board (3000), worker metrics (9464), reducer metrics (9465): /metrics and /healthz.
EXPOSE 3000 9464 9465

# Passes when the process answers /healthz on OCPSUM_METRICS_PORT; with no port set (one-shot
# commands) there is nothing to check. Compose and Kubernetes pass the port explicitly.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "/app/healthcheck.mjs"]

ENTRYPOINT ["node", "apps/cli/dist/main.js"]
CMD ["--help"]
