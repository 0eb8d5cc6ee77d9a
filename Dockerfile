# Ordo in a container, built with the same scripts CI runs (tests/cli/test_dockerfile.sh checks
# that every RUN step calls scripts/*.sh that .ci/run reaches, or is apt/user housekeeping).
#
#   docker build -t ordo .                              # release build, installed into /opt/ordo
#   docker build --build-arg ORDO_RUN_TESTS=1 -t ordo . # also the whole test suite (scripts/test.sh)
#   docker run --rm -p 8080:8080 -v ordo-data:/var/lib/ordo ordo   # ordo serve, embedded database;
#                   # the admin key is in the volume's initial-admin-key (or set ORDO_ADMIN_KEY)
#   docker run --rm ordo version
#   docker run --rm -v "$PWD/examples:/data:ro" ordo bpmn lint /data/onboarding.bpmn
#   docker compose up -d --build                        # Ordo on its own PostgreSQL: see
#                                                       # docker-compose.yml for the secrets
#
# Build arguments: ORDO_RUN_TESTS=1 (run scripts/test.sh in the build stage), ORDO_UID (the uid of
# the runtime user 'ordo', 10001 by default: Ordo reads secret files only when they belong to it,
# so docker-compose.yml sets it to the uid that owns the secret files on the host).

# ---- build: Debian 12 with the build and test packages of scripts/install-deps.sh --------------
FROM debian:bookworm AS build
WORKDIR /src
COPY scripts/lib.sh scripts/install-deps.sh scripts/
# Node.js and npm are not build packages (a developer may have a newer Node.js of their own);
# Debian's are enough to build the web UI (bpmn-js comes from the npm registry at build time).
RUN bash scripts/install-deps.sh \
    && apt-get update -q \
    && apt-get install -y --no-install-recommends nodejs npm \
    && rm -rf /var/lib/apt/lists/*
COPY . .
# Release preset, the web UI, then `cmake --install` into /opt/ordo: bin/ordo, bin/ordo-sandbox,
# lib/ordo/connectors/*.so (the fixed plugin folder, ../lib/ordo/connectors from the executable)
# and share/ordo/ui/.
RUN bash scripts/build-release.sh --require-ui --install /opt/ordo
# Optional: the test command. The image's Node.js is Debian's 18, so the oracle and browser tests
# skip with a notice; there is no .git either, so clang-tidy (changed files only) skips too.
ARG ORDO_RUN_TESTS=0
RUN if [ "$ORDO_RUN_TESTS" = 1 ]; then bash scripts/test.sh --no-deps; fi

# ---- runtime: only the shared libraries, PostgreSQL (the embedded database) and curl -----------
FROM debian:bookworm-slim
ARG ORDO_UID=10001
WORKDIR /tmp/ordo-setup
COPY scripts/lib.sh scripts/install-deps.sh scripts/
RUN bash scripts/install-deps.sh --runtime \
    && rm -rf /var/lib/apt/lists/* /tmp/ordo-setup
# A system user whose home is the data folder; root owns /opt/ordo, so the server cannot change
# its own executable or plugins (the loader accepts plugins owned by root, CONTRACTS.md §8).
RUN useradd --system --uid "$ORDO_UID" --user-group --create-home --home-dir /var/lib/ordo \
    --shell /usr/sbin/nologin ordo
COPY --from=build /opt/ordo /opt/ordo
ENV PATH=/opt/ordo/bin:$PATH \
    ORDO_DATA_DIR=/var/lib/ordo \
    ORDO_LISTEN_ADDR=0.0.0.0
USER ordo
WORKDIR /var/lib/ordo
EXPOSE 8080
# /readyz answers 200 once the database is reachable and migrated (503 before); ORDO_PORT is the
# server's own port setting. tests/cli/test_install.sh runs this command against an installed tree.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD curl -fsS -o /dev/null "http://127.0.0.1:${ORDO_PORT:-8080}/readyz" || exit 1
ENTRYPOINT ["/opt/ordo/bin/ordo"]
CMD ["serve"]
