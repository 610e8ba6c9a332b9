# license_exporter — build, test, lint, fuzz and benchmark.
GO        ?= go
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
REVISION  ?= $(shell git rev-parse HEAD 2>/dev/null || echo unknown)
BRANCH    ?= $(shell git rev-parse --abbrev-ref HEAD 2>/dev/null || echo unknown)
VPKG      := github.com/prometheus/common/version
LDFLAGS   := -s -w -X $(VPKG).Version=$(VERSION) -X $(VPKG).Revision=$(REVISION) -X $(VPKG).Branch=$(BRANCH)
STATICCHECK_VERSION ?= v0.8.2

.PHONY: all build test test-deps unit lint golden docs fuzz fuzz-ci bench demo clean

all: build

build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o license_exporter ./cmd/license_exporter

demo:
	$(GO) run ./cmd/license_exporter --demo

# The whole test suite, as CI runs it: installs what the tests need, then lint,
# tests, and every fuzz test briefly (500 inputs each, about a minute in all).
test: test-deps lint unit fuzz-ci

test-deps:
	./scripts/install-test-deps

unit:
	$(GO) test -race -count=1 ./...

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) run honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION) ./...

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
# and PrometheusRule, the generated tables of docs/collectors.md and
# docs/metrics.md, the status page picture docs/status-page.png); review the diff.
GOLDEN_PKGS := ./collector ./dashboards ./deploy/... ./cmd/license_exporter
golden:
	$(GO) test $(GOLDEN_PKGS) -run Golden -update

# Rewrites docs/collectors.md's and docs/metrics.md's tables from the collectors' specs.
docs:
	$(GO) test ./collector -run TestGoldenDocs -update

clean:
	rm -f license_exporter
