# Countersign: `make run` launches the app, `make test` runs every test.
# Both install what is missing first (scripts/install-deps.sh).

CARGO ?= cargo
APP := $(or $(CARGO_TARGET_DIR),target)/debug/countersign-app
E2E_THREADS ?= 2

.PHONY: run test deps test-deps ui app lint ui-test rust-test e2e release bench clean

run: deps app
	$(APP)

test: test-deps lint ui-test rust-test e2e
	@echo "All tests passed."

deps:
	scripts/install-deps.sh

test-deps:
	scripts/install-deps.sh --test

ui:
	cd ui && npm run build

app: ui
	$(CARGO) build -p countersign-app

lint: ui
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	cd ui && npm run check

ui-test:
	cd ui && npm test

# Rust unit and integration tests, with a real Secret Service and X display available.
rust-test: ui
	COUNTERSIGN_KEYRING_TESTS=1 scripts/headless.sh $(CARGO) test --workspace --exclude countersign-e2e

# The real app window under Xvfb, driven through tauri-driver + WebKitWebDriver.
e2e: app
	COUNTERSIGN_APP=$(abspath $(APP)) scripts/headless.sh \
		$(CARGO) test -p countersign-e2e -- --test-threads=$(E2E_THREADS)

# An optimised, stripped binary (and a .deb with the Tauri CLI: see README).
release: deps ui
	$(CARGO) build --release -p countersign-app --features tauri/custom-protocol

bench:
	$(CARGO) bench --workspace

clean:
	$(CARGO) clean
	rm -rf ui/dist ui/node_modules artifacts
