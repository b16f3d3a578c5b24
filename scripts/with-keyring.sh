#!/bin/sh
# Usage: scripts/with-keyring.sh COMMAND [ARG...]
#
# Runs COMMAND inside a private D-Bus session bus where gnome-keyring-daemon provides the Secret
# Service with an unlocked, throwaway "login" keyring (in a temporary folder removed afterwards),
# and with COUNTERSIGN_KEYRING_TESTS=1 so that the keyring tests fail, rather than skip, if the
# keyring does not work. Needs dbus-run-session (dbus) and gnome-keyring-daemon (gnome-keyring).
set -eu
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
mkdir -p "$tmp/data" "$tmp/runtime"
chmod 700 "$tmp/runtime"
export XDG_DATA_HOME="$tmp/data" XDG_RUNTIME_DIR="$tmp/runtime" COUNTERSIGN_KEYRING_TESTS=1
# No display inside: a keyring prompt must fail fast instead of waiting for a person.
unset DISPLAY WAYLAND_DISPLAY
dbus-run-session -- sh -c '
  printf %s countersign-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  "$@"' sh "$@"
