# dataprotection: build, generate, verify, test, bench.
# `make test` installs everything the tests need on a fresh machine (it runs
# as root in CI) and then runs every test, including the ones against a real
# etcd + kube-apiserver (+ kube-controller-manager) and a real S3 server.

GO       ?= go
TOOL     := $(GO) tool -modfile=tools/go.mod
PKGS     := ./...
# NESTED are the example modules of their own (their go.mod replaces the
# library with this checkout), so that the library's go.mod does not need
# their dependencies (controller-runtime). test, lint and verify cover them.
NESTED   := examples/controllerruntime

.PHONY: all build generate verify lint test test-unit fuzz deps testenv bench clean

# FUZZTIME is how long `make fuzz` fuzzes each target; SMOKE_FUZZTIME how
# long `make test` does (a smoke run: new inputs are not minimized).
FUZZTIME       ?= 60s
SMOKE_FUZZTIME ?= 1s

all: build

build:
	$(GO) build $(PKGS)

## generate: regenerate deepcopy, CRDs, clientset/listers/informers, mocks, protobuf.
generate:
	hack/install-deps.sh --generate
	hack/update-codegen.sh
	hack/update-proto.sh

## verify: regenerate and fail on any diff; gofmt, go vet, staticcheck, go mod tidy.
verify: generate lint
	$(GO) mod tidy
	cd tools && $(GO) mod tidy
	for m in $(NESTED); do (cd $$m && $(GO) mod tidy) || exit 1; done
	git diff --exit-code
	@test -z "$$(git status --porcelain)" || { git status --porcelain; echo "verify: untracked generated files"; exit 1; }

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); test -z "$$out" || { echo "gofmt needed:"; echo "$$out"; exit 1; }
	$(GO) vet $(PKGS)
	$(TOOL) staticcheck $$($(GO) list ./... | grep -v /client/)  # generated informers use deprecated client-go API (SA1019)
	for m in $(NESTED); do (cd $$m && $(GO) vet ./... && $(GO) tool -modfile=$(CURDIR)/tools/go.mod staticcheck ./...) || exit 1; done

## deps: OS packages the tests need (idempotent; needs root on a fresh machine).
deps:
	hack/install-deps.sh

## testenv: build (or reuse from the cache) etcd, kube-apiserver,
## kube-controller-manager and versitygw (the S3 server).
testenv:
	hack/testenv-binaries.sh

## test: install what the tests need, then run every test with -race
## (the adversarial suite, internal/adversarial, included), then fuzz every
## fuzz target for SMOKE_FUZZTIME.
test: deps
	@bin=$$(hack/testenv-binaries.sh | tail -n 1) && \
	  echo "testenv binaries: $$bin" && \
	  DP_TESTENV_BIN="$$bin" DP_REQUIRE_TESTENV=1 $(GO) test -race -count=1 -timeout 30m $(PKGS) && \
	  for m in $(NESTED); do (cd $$m && DP_TESTENV_BIN="$$bin" DP_REQUIRE_TESTENV=1 $(GO) test -race -count=1 -timeout 10m ./...) || exit 1; done
	GO=$(GO) FUZZTIME=$(SMOKE_FUZZTIME) FUZZMINIMIZETIME=0s hack/fuzz.sh

## fuzz: fuzz every target for FUZZTIME each (hack/fuzz.sh -l lists them).
fuzz:
	GO=$(GO) FUZZTIME=$(FUZZTIME) hack/fuzz.sh

## test-unit: the tests that need nothing installed (integration tests skip).
test-unit:
	$(GO) test -race $(PKGS)
	for m in $(NESTED); do (cd $$m && $(GO) test -race ./...) || exit 1; done

## bench: run the six benchmark figures beside their baselines and write
## bench/RESULTS.md (about 13 minutes on 2 cores; BENCHFLAGS=-quick for a smoke run).
bench: deps
	@bin=$$(hack/testenv-binaries.sh | tail -n 1) && \
	  $(GO) build -o bin/runbench ./bench/cmd/runbench && \
	  DP_TESTENV_BIN="$$bin" bin/runbench -out bench/RESULTS.md $(BENCHFLAGS)

clean:
	$(GO) clean -testcache
