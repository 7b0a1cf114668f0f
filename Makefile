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
	# NativeAOT: the CLI answers in ~10 ms and the daemon starts without a JIT (ReadyToRun took ~200 ms per call).
	$(DOTNET) publish src/CowStore.Cli/CowStore.Cli.csproj $(BUILD_FLAGS) -p:PublishAot=true -o $(CURDIR)/bin
	cp scripts/cowstore-neo4j bin/
	@echo "built $(CURDIR)/bin/cowstore"

native:
	$(MAKE) -C native

install: build
	ln -sfn $(CURDIR)/bin/cowstore $(PREFIX)/bin/cowstore
	ln -sfn $(CURDIR)/bin/cowstore-neo4j $(PREFIX)/bin/cowstore-neo4j
	@echo "installed $(PREFIX)/bin/cowstore and cowstore-neo4j -> $(CURDIR)/bin"

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
