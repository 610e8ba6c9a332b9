# license_exporter — build, test, lint, fuzz, benchmark and release.
GO ?= go
STATICCHECK_VERSION ?= v0.8.2
# The build information (version, revision, branch, build user and date) of
# every build: scripts/ldflags, from these when set (the Dockerfile passes
# them), else from git. goreleaser gets the same list through LDFLAGS.
export VERSION REVISION BRANCH BUILD_USER BUILD_DATE
# Pinned tools, built once into a cache by scripts/tool (scripts/install-test-deps
# builds them all; a target that needs one builds it when missing).
GORELEASER := $(shell ./scripts/tool --path goreleaser)

.PHONY: all build test test-deps unit race kubetest release-check release-snapshot release lint golden docs fuzz fuzz-ci bench demo clean

all: build

build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags "$$(./scripts/ldflags)" -o license_exporter ./cmd/license_exporter

demo:
	$(GO) run ./cmd/license_exporter --demo

# Everything, as CI runs it (.ci/run): installs what the tests need, then lint,
# every Go test with the race detector and the external programs (promtool,
# Prometheus, chromium, kustomize), the Helm chart and the kustomize overlay
# against the Kubernetes API types, goreleaser check, and every fuzz test
# briefly (500 inputs each).
test: test-deps lint race kubetest release-check fuzz-ci

test-deps:
	./scripts/install-test-deps

# The quick loop while developing (under 2 minutes): the Go tests without the
# race detector, fuzzing or external programs (-short skips the tests that
# need one; make test runs them).
unit:
	$(GO) test -short -count=1 ./...

race:
	$(GO) test -race -count=1 ./...

# A module of its own (deploy/kubetest/go.mod), so that the Kubernetes and
# Prometheus Operator API types stay out of the exporter's go.mod: it renders
# the Helm chart with the pinned helm and builds a kustomize overlay, and
# decodes every manifest strictly.
kubetest:
	cd deploy/kubetest && $(GO) test -count=1 ./...

$(GORELEASER):
	./scripts/tool goreleaser

release-check: $(GORELEASER)
	$(GORELEASER) check

# The release archives, checksums included, into dist/ without publishing.
# goreleaser reads the commit (its date stamps the files) only where git has a
# remote: a clone without one, such as a worktree, names the project's for this
# run (git ls-remote --get-url only prints it).
NO_REMOTE_ENV := $(if $(shell git remote 2>/dev/null),,GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=remote.origin.url GIT_CONFIG_VALUE_0=https://github.com/license-exporter/license_exporter)
release-snapshot: $(GORELEASER)
	$(NO_REMOTE_ENV) LDFLAGS="$$(./scripts/ldflags)" SNAPSHOT_VERSION="$$(./scripts/ldflags --vars | sed -n 's/^VERSION=//p')" \
	  $(GORELEASER) release --snapshot --clean

# The release of the tag at HEAD (the release workflow runs it with GITHUB_TOKEN):
# the tag's CHANGELOG section becomes the release notes.
release: $(GORELEASER)
	mkdir -p .build && ./scripts/release-notes > .build/release-notes.md
	LDFLAGS="$$(./scripts/ldflags)" $(GORELEASER) release --clean --release-notes .build/release-notes.md

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) run honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION) ./...
	cd deploy/kubetest && $(GO) vet ./... && $(GO) run honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION) ./...

# Every func FuzzX in the repository, FUZZTIME each: make fuzz FUZZTIME=1m
FUZZTIME ?= 5s
fuzz:
	GO=$(GO) FUZZTIME=$(FUZZTIME) ./scripts/fuzz

fuzz-ci:
	GO=$(GO) FUZZTIME=500x ./scripts/fuzz

# Go benchmarks of the parsers (allocations reported), then the harness that
# runs the exporter against the simulated large enterprise (docs/development.md:
# Reliability, security and performance).
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...
	$(GO) run ./cmd/license_bench

# Rewrites the golden files (collector exposition, dashboard JSON, the rule file
# and PrometheusRule, the Helm chart's copies of the rules and dashboards, the
# generated tables of docs/collectors.md and docs/metrics.md, the status page
# picture docs/status-page.png); review the diff. One package after the other:
# ./deploy copies what ./dashboards and ./deploy/rules write.
GOLDEN_PKGS := ./collector ./dashboards ./deploy/rules ./deploy ./cmd/license_exporter
golden:
	for p in $(GOLDEN_PKGS); do $(GO) test $$p -count=1 -run Golden -update || exit 1; done

# Rewrites docs/collectors.md's and docs/metrics.md's tables from the collectors' specs.
docs:
	$(GO) test ./collector -run TestGoldenDocs -update

clean:
	rm -rf license_exporter dist .build
