#!/usr/bin/env bash
# Runs a command the way the tests need the desktop: a private D-Bus session with an unlocked
# gnome-keyring Secret Service, inside an Xvfb X server. Nothing outlives the command.
set -euo pipefail

workdir=$(mktemp -d)
trap 'rm -rf "$workdir"' EXIT
export XDG_DATA_HOME="$workdir/data" XDG_RUNTIME_DIR="$workdir/runtime" XDG_CONFIG_HOME="$workdir/config"
mkdir -p "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
# Accessibility bus and GVFS would otherwise be auto-started and outlive the run.
export NO_AT_BRIDGE=1 GIO_USE_VFS=local

# dbus-run-session outside xvfb-run, per RECIPES: the session ends (and takes the keyring
# daemon with it) when the command does.
exec dbus-run-session -- xvfb-run -a -s "-screen 0 1280x800x24" bash -c '
  # Services D-Bus starts on demand (portals, prompts) need the display too.
  dbus-update-activation-environment DISPLAY XAUTHORITY 2>/dev/null || true
  echo -n countersign-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  exec "$@"
' headless "$@"
