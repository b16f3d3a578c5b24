# Countersign: `make run` launches the app, `make test` runs every test.
# Both install what is missing first (scripts/install-deps.sh).

CARGO ?= cargo
APP := $(or $(CARGO_TARGET_DIR),target)/debug/countersign-app
# The end-to-end tests each run an app window: more than two at once starve a small machine.
TEST_THREADS ?= 2

.PHONY: run test deps test-deps ui app lint check-platforms ui-test rust-test e2e release package package-deps package-test package-test-deps bench bench-desktop fuzz crash-bench clean

run: deps app
	$(APP)

test: test-deps lint ui-test rust-test
	@echo "All tests passed."

deps:
	scripts/install-deps.sh

test-deps:
	scripts/install-deps.sh --test

# The UI is rebuilt only when something of it changed: a rebuilt ui/dist, even identical, makes
# cargo rebuild the app that embeds it (a 3-minute link in release).
UI_SOURCES := $(shell find ui -path ui/node_modules -prune -o -path ui/dist -prune -o -type f -print)
ui: ui/dist/index.html
ui/dist/index.html: $(UI_SOURCES)
	cd ui && npm run build

# The whole workspace, not `-p countersign-app`: one feature resolution with `make test`'s
# build, so the second of the two commands reuses the first's (`-p` rebuilt Tauri for 3 min).
app: ui
	$(CARGO) build --workspace

lint: ui
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	@installed="$$(rustup target list --installed 2>/dev/null)"; missing=""; \
	for target in $(PLATFORM_TARGETS); do \
		echo "$$installed" | grep -qx "$$target" || missing="$$missing $$target"; \
	done; \
	if [ -z "$$missing" ]; then $(MAKE) --no-print-directory check-platforms; \
	else echo "Skipping check-platforms: Rust targets not installed:$$missing (make test-deps adds them)"; fi
	cd ui && npm run check

# The Windows and macOS code of crates/desktop and of crates/clock's library (its tests use the
# Linux harness), type-checked and linted from here (clippy checks too): only the targets'
# standard libraries are needed (rustup target add), no SDK or linker.
PLATFORM_TARGETS := x86_64-pc-windows-gnu x86_64-apple-darwin
check-platforms:
	for target in $(PLATFORM_TARGETS); do \
		$(CARGO) clippy -p countersign-desktop --all-targets --target $$target -- -D warnings || exit 1; \
		$(CARGO) clippy -p countersign-clock --target $$target -- -D warnings || exit 1; \
	done

ui-test:
	cd ui && npm test

# Every Rust test in one `cargo test --workspace`: unit and integration tests with a real Secret
# Service and X display, and the end-to-end tests driving the real app window under Xvfb through
# tauri-driver + WebKitWebDriver. One invocation, one feature resolution: building a subset
# (`-p`, `--exclude`) would compile Tauri and its dependencies over again.
rust-test: ui
	$(CARGO) build --workspace --all-targets
	COUNTERSIGN_KEYRING_TESTS=1 COUNTERSIGN_APP=$(abspath $(APP)) scripts/headless.sh \
		$(CARGO) test --workspace -- --test-threads=$(TEST_THREADS)

# Only the end-to-end tests (for working on the UI).
e2e: ui
	$(CARGO) build --workspace --all-targets
	COUNTERSIGN_APP=$(abspath $(APP)) scripts/headless.sh \
		$(CARGO) test --workspace --test e2e -- --test-threads=$(TEST_THREADS)

# Optimised, stripped binaries: the app, the `countersign` command line and the generator of
# its man pages and completions, in one build so the three share their dependencies.
RELEASE := $(or $(CARGO_TARGET_DIR),target)/release
release: deps ui
	$(CARGO) build --release -p countersign-app -p countersign-cli -p countersign-cli-docs \
		--features tauri/custom-protocol

# The .deb and .rpm, bundled by the Tauri CLI (from npm, pinned in packaging/package.json) with
# a config generated from the root tauri.conf.json (packaging/bundle-config.mjs): the app, the
# command line with its man pages and bash/zsh/fish completions, the desktop entry and link
# handlers, icons, the FIDO udev rule. Packages land in $(RELEASE)/bundle/{deb,rpm}.
VERSION := $(shell sed -n 's/^  "version": "\(.*\)",$$/\1/p' tauri.conf.json)
DOCS := $(or $(CARGO_TARGET_DIR),target)/package-docs
DEB := $(RELEASE)/bundle/deb/Countersign_$(VERSION)_amd64.deb
RPM := $(RELEASE)/bundle/rpm/Countersign-$(VERSION)-1.x86_64.rpm
package: package-deps release
	$(RELEASE)/countersign-cli-docs $(DOCS)
	gzip -9nf $(DOCS)/man1/*.1
	node packaging/bundle-config.mjs --cli $(RELEASE)/countersign --docs $(DOCS)
	TAURI_APP_PATH=src-tauri packaging/node_modules/.bin/tauri bundle --bundles deb,rpm --ci
	@ls -l $(DEB) $(RPM)

package-deps:
	scripts/install-deps.sh --package

package-test-deps:
	scripts/install-deps.sh --package-test

# Installs the .deb into this machine, checks its files, runs the installed app and command
# line (tests/installed), purges it and checks what is left (tests/package/smoke.sh).
package-test: test-deps package-test-deps package
	CARGO=$(CARGO) tests/package/smoke.sh $(DEB) $(RPM)

bench:
	$(CARGO) bench --workspace

# Countersign beside KeePassXC on one Xvfb screen: launch, memory and idle CPU, open and hidden
# (tests/benches/desktop.rs; results in tests/BENCH.md). About 12 minutes.
BENCH_VENV ?= $(HOME)/.cache/countersign/bench-venv
bench-desktop: release
	scripts/install-deps.sh --bench
	COUNTERSIGN_APP=$(abspath $(or $(CARGO_TARGET_DIR),target)/release/countersign-app) \
		BENCH_PYTHON=$(BENCH_VENV)/bin/python scripts/headless.sh \
		$(CARGO) bench -p countersign-e2e --bench desktop

# Every cargo-fuzz target of every crates/*/fuzz for FUZZ_SECONDS each (nightly; installs
# cargo-fuzz if missing), then a table of runs and crashes per target (scripts/fuzz.sh).
# 26 targets at the default 10 minutes each: 4 h 20 min one at a time, FUZZ_JOBS at once
# divides that (each target still runs its 10 minutes, on a share of the cores).
FUZZ_SECONDS ?= 600
FUZZ_JOBS ?= 1
fuzz:
	FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_JOBS=$(FUZZ_JOBS) scripts/fuzz.sh

# SIGKILL during saves, CRASH_KILLS times (crates/vault/tests/crash.rs): prints the states the
# vault was found in after the kills: old, new, corrupt, lost (the last two must be 0).
CRASH_KILLS ?= 1000
crash-bench:
	COUNTERSIGN_CRASH_KILLS=$(CRASH_KILLS) $(CARGO) test -p countersign-vault --test crash \
		-- --exact sigkill_at_random_moments_never_loses_the_vault --nocapture

clean:
	$(CARGO) clean
	rm -rf ui/dist ui/node_modules packaging/node_modules src-tauri/tauri.conf.json artifacts
