# license_exporter container image.
#
# Released images: ghcr.io/license-exporter/license_exporter:vX.Y.Z (linux/amd64
# and linux/arm64, .github/workflows/release.yml). To build one yourself:
#   docker build -t license_exporter .
#   docker run -p 9947:9947 license_exporter --demo --web.listen-address=:9947
#   docker run -p 9947:9947 -v $PWD/license_exporter.yml:/etc/license_exporter/license_exporter.yml:ro \
#     -v $PWD/github-token:/run/secrets/github-token:ro license_exporter
#
# The configuration is read from /etc/license_exporter/license_exporter.yml
# (mount it, or pass --config.file); put tokens in files under /run/secrets
# and name them with token_file. The image runs as the distroless "nonroot"
# user (65532) and needs no writable file system.

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# Build information (scripts/ldflags; the release workflow passes
# `scripts/ldflags --vars`): the build context has no .git to read it from.
ARG VERSION=dev
ARG REVISION=unknown
ARG BRANCH=unknown
ARG BUILD_USER=docker
ARG BUILD_DATE=
# The Makefile's build: CGO_ENABLED=0 (a static binary), -trimpath, version ldflags.
RUN make build VERSION="${VERSION}" REVISION="${REVISION}" BRANCH="${BRANCH}" \
      BUILD_USER="${BUILD_USER}" BUILD_DATE="${BUILD_DATE}" \
 && ./license_exporter --version

# distroless/static: CA certificates, tzdata, /etc/passwd with nonroot; no shell.
FROM gcr.io/distroless/static-debian12:nonroot
LABEL org.opencontainers.image.title="license_exporter" \
      org.opencontainers.image.description="Prometheus exporter for GitHub Enterprise and GitLab licenses and billing"
COPY --from=build /src/license_exporter /bin/license_exporter
USER 65532:65532
EXPOSE 9947
WORKDIR /etc/license_exporter
ENTRYPOINT ["/bin/license_exporter"]
CMD ["--config.file=/etc/license_exporter/license_exporter.yml"]
