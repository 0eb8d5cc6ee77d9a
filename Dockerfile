# Ordo in a container, built with the same scripts CI runs.
#
#   docker build -t ordo .                              # release build
#   docker build --build-arg ORDO_RUN_TESTS=1 -t ordo . # also the whole test suite (scripts/test.sh)
#   docker run --rm -p 8080:8080 -v ordo-data:/var/lib/ordo ordo   # ordo serve; the admin key is
#                                         # in the volume's initial-admin-key (or set ORDO_ADMIN_KEY)
#   docker run --rm ordo version
#   docker run --rm -v "$PWD/examples:/data:ro" ordo bpmn lint /data/onboarding.bpmn

# ---- build: Debian 12 with the build and test packages of scripts/install-deps.sh --------------
FROM debian:bookworm AS build
WORKDIR /src
COPY scripts/lib.sh scripts/install-deps.sh scripts/
RUN bash scripts/install-deps.sh && rm -rf /var/lib/apt/lists/*
COPY . .
RUN cmake --preset release && cmake --build --preset release -j"$(nproc)"
# The web UI: Debian's npm fetches bpmn-js from the npm registry; build-ui.sh copies it beside ui/.
RUN apt-get update && apt-get install -y --no-install-recommends nodejs npm \
    && rm -rf /var/lib/apt/lists/* \
    && bash scripts/build-ui.sh build/release/share/ordo/ui
# Optional: the test command. The image's Node.js is Debian's 18, so the oracle and browser tests
# skip with a notice;
# there is no .git either, so clang-tidy (changed files only) skips too.
ARG ORDO_RUN_TESTS=0
RUN if [ "$ORDO_RUN_TESTS" = 1 ]; then bash scripts/test.sh --no-deps; fi
# The build tree is laid out like an installed tree (bin/, lib/ordo/connectors/, share/ordo/ui/).
RUN mkdir -p /opt/ordo/lib /opt/ordo/share \
    && cp -a build/release/bin /opt/ordo/ \
    && cp -a build/release/lib/ordo /opt/ordo/lib/ \
    && cp -a build/release/share/ordo /opt/ordo/share/

# ---- runtime: only the shared libraries and PostgreSQL (the embedded database) -----------------
FROM debian:bookworm
COPY scripts/lib.sh scripts/install-deps.sh /tmp/ordo-scripts/
RUN bash /tmp/ordo-scripts/install-deps.sh --runtime \
    && rm -rf /var/lib/apt/lists/* /tmp/ordo-scripts \
    && useradd --system --create-home --home-dir /var/lib/ordo ordo
COPY --from=build /opt/ordo /opt/ordo
ENV PATH=/opt/ordo/bin:$PATH \
    ORDO_DATA_DIR=/var/lib/ordo \
    ORDO_LISTEN_ADDR=0.0.0.0
USER ordo
WORKDIR /var/lib/ordo
EXPOSE 8080
ENTRYPOINT ["/opt/ordo/bin/ordo"]
CMD ["serve"]
