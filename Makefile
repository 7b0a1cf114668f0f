# cowstore: build, set up, test, benchmark. `make setup` once on a fresh Debian 12 machine, then `make test`.
SHELL := /bin/bash
DOTNET ?= dotnet
CONFIG ?= Release
ARTIFACTS := $(CURDIR)/artifacts
BUILD_FLAGS := -c $(CONFIG) --artifacts-path $(ARTIFACTS) -nologo -v q
PREFIX ?= /usr/local

.PHONY: all setup system build native install demo test test-unit test-integration test-unprivileged soak bench clean

all: build

## setup: install system packages and test users, build, put cowstore on PATH, run the demo
setup: system build install demo

system:
	@bash scripts/setup-system.sh

## build: ./bin/cowstore and the native helpers
build: native
	$(DOTNET) build CowStoreFs.sln $(BUILD_FLAGS)
	# ReadyToRun: precompiled code, so the first requests of a fresh daemon and every CLI call skip the JIT.
	$(DOTNET) publish src/CowStore.Cli/CowStore.Cli.csproj $(BUILD_FLAGS) -p:PublishReadyToRun=true -o $(CURDIR)/bin
	@cp scripts/cowstore-neo4j bin/ 2>/dev/null || true
	@echo "built $(CURDIR)/bin/cowstore"

native:
	$(MAKE) -C native

install: build
	ln -sfn $(CURDIR)/bin/cowstore $(PREFIX)/bin/cowstore
	@echo "installed $(PREFIX)/bin/cowstore -> $(CURDIR)/bin/cowstore"

## demo: the main job on the embedded sample database
demo: build
	@bash scripts/demo.sh

## test: the whole default test run (installs what is missing first)
test: system build
	@bash scripts/run-tests.sh all

test-unit: build
	@bash scripts/run-tests.sh unit

test-integration: build
	@bash scripts/run-tests.sh root

test-unprivileged: build
	@bash scripts/run-tests.sh unprivileged

## soak: long model test and crash cycles (minutes)
soak: system build
	COWSTORE_SOAK=1 bash scripts/run-tests.sh all

## bench: one base, the same workloads on cowstore, fuse-overlayfs, overlayfs, unionfs-fuse and a plain copy (~15 min; BENCH_ARGS=--quick for a smoke run)
bench: system build
	@bash scripts/bench/run.sh $(BENCH_ARGS)

clean:
	rm -rf $(ARTIFACTS) bin
	$(MAKE) -C native clean
