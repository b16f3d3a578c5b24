#!/usr/bin/env bash
# Installs what building, running and testing Countersign needs, skipping what is present.
# Debian 12 / Ubuntu 22.04+; uses sudo when not root. Idempotent: a warm machine takes a second.
set -euo pipefail

cd "$(dirname "$0")/.."

packages=(
  # Tauri on Linux (WebKitGTK 4.1) and the system tray
  libwebkit2gtk-4.1-dev build-essential curl wget file libxdo-dev libssl-dev
  libayatana-appindicator3-dev librsvg2-dev pkg-config
  # Security keys (hidapi) and screen capture (xcap: PipeWire, Wayland, EGL, XCB)
  libudev-dev libpipewire-0.3-dev libclang-dev libwayland-dev libegl-dev libgbm-dev libxcb1-dev
  nasm
  # Headless testing: X server, WebDriver, D-Bus session, Secret Service, clipboard, screenshots
  xvfb webkit2gtk-driver dbus-x11 at-spi2-core gnome-keyring libsecret-tools xclip xdotool
  imagemagick x11-apps
  # The accessibility tree as a screen reader reads it: libatspi for Debian's Python
  # (tests/screen_reader.py, the library Orca is written on)
  python3-gi gir1.2-atspi-2.0
  # Real X programs the typing tests type into (a GTK entry; WebKitGTK's MiniBrowser comes with
  # libwebkit2gtk above)
  zenity
  # Independent references the tests compare against
  oathtool zbar-tools
  # A real sync engine: two daemons share a vault folder (crates/cli/tests/syncthing.rs)
  syncthing
  # The command line's man pages are rendered by their tests (crates/cli-docs)
  man-db
)

# Installs those of the given Debian packages that `dpkg -s` does not report installed.
install_missing() {
  local missing=() package sudo=""
  for package in "$@"; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
  done
  ((${#missing[@]})) || return 0
  echo "Installing system packages: ${missing[*]}"
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
}

install_missing "${packages[@]}"

if ! command -v cargo >/dev/null; then
  echo "Rust is missing: install it with rustup (https://rustup.rs), then run this again." >&2
  exit 1
fi

node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 20 ]; then
  echo "Node.js 20 or newer is needed for the UI build (found: $(node --version 2>/dev/null || echo none))." >&2
  exit 1
fi

# The UI's packages: reinstall only when the lock file changed since the last install.
if [ ! -f ui/node_modules/.package-lock.json ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then
  (cd ui && npm ci --no-audit --no-fund)
fi

# make package: the Tauri CLI that bundles the .deb and .rpm (packaging/package.json), reinstalled
# only when its lock file changed.
if [ "${1:-}" = "--package" ] &&
  { [ ! -f packaging/node_modules/.package-lock.json ] ||
    [ packaging/package-lock.json -nt packaging/node_modules/.package-lock.json ]; }; then
  (cd packaging && npm ci --no-audit --no-fund)
fi

# make package-test: what checks the installed package (tests/package/smoke.sh):
# desktop-file-validate, and rpm to read the .rpm's files and requirements.
if [ "${1:-}" = "--package-test" ]; then
  install_missing desktop-file-utils rpm
fi

# The side-by-side benchmark (make bench-desktop): KeePassXC to compare with, and pykeepass
# (in a virtual environment of its own) to write its database.
if [ "${1:-}" = "--bench" ]; then
  install_missing keepassxc
  # Debian's own python3 needs python3-venv for `python3 -m venv`.
  python3 -c 'import ensurepip' 2>/dev/null || install_missing python3-venv
  venv="${BENCH_VENV:-$HOME/.cache/countersign/bench-venv}"
  if ! "$venv/bin/python" -c 'import pykeepass' 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q 'pykeepass==4.1.1.post1'
  fi
fi

# The Windows and macOS standard libraries, for type-checking that code here (make
# check-platforms). Optional: without them `make lint` skips that check and says so.
if [ "${1:-}" = "--test" ]; then
  for target in x86_64-pc-windows-gnu x86_64-apple-darwin; do
    if ! rustup target list --installed 2>/dev/null | grep -qx "$target"; then
      echo "Adding the Rust target $target (for make check-platforms)"
      # Bounded: where the Rust download server is out of reach, skip rather than hang.
      timeout 300 rustup target add "$target" ||
        echo "Could not add the Rust target $target: make lint will skip check-platforms." >&2
    fi
  done
fi

if [ "${1:-}" = "--test" ] && ! command -v tauri-driver >/dev/null; then
  echo "Installing tauri-driver (WebDriver bridge for the end-to-end tests)"
  cargo install tauri-driver --locked --version '^2'
fi
