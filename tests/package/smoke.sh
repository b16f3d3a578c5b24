#!/usr/bin/env bash
# The .deb as a person gets it (issue #17): installs it into THIS machine with apt-get, checks
# that every file is where it belongs and works, runs the installed app and command line
# (tests/installed, under Xvfb with a real gnome-keyring), then purges the package and checks
# that nothing is left but the user's data. With an .rpm beside it, checks that the .rpm
# carries the same files and the sandbox dependency.
#
# Usage: tests/package/smoke.sh PACKAGE.deb [PACKAGE.rpm]   (make package-test; root or sudo)
set -euo pipefail

deb=$(realpath "$1")
rpm_file=${2:+$(realpath "$2")}
cd "$(dirname "$0")/../.."
repo=$PWD
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
apt() { $sudo env DEBIAN_FRONTEND=noninteractive apt-get -y -q "$@"; }
fail() {
  echo "smoke: FAILED: $*" >&2
  exit 1
}
ok() { echo "smoke: ok: $*"; }

package=$(dpkg-deb -f "$deb" Package)
version=$(dpkg-deb -f "$deb" Version)
work=$(mktemp -d)
installed() { dpkg-query -W -f '${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; }
cleanup() {
  # A failed run must not leave the package on the machine for the next one.
  if installed; then apt purge "$package" >/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# What exists outside home folders, caches, the package manager's own records and the X
# server's compiled keymaps (Xvfb writes those into /var/lib/xkb for the app's tests).
snapshot() {
  find /usr /etc /opt /var/lib -xdev \
    \( -path /var/lib/dpkg -o -path /var/lib/apt -o -path /var/lib/systemd -o -path /var/lib/ucf \
    -o -path /var/lib/xkb \) -prune -o -print 2>/dev/null | sort
}

if installed; then
  echo "smoke: removing $package left installed by an earlier run"
  apt purge "$package" >/dev/null
fi
snapshot >"$work/before"

# --- Install, as the README says: apt-get resolves the declared dependencies. ---
apt install "$deb" >"$work/apt.log" || { cat "$work/apt.log"; fail "apt-get install $deb"; }
installed || fail "$package is not installed after apt-get install"
ok "apt-get install $(basename "$deb") ($package $version)"
dpkg -L "$package" | sort >"$work/files"

# --- The files, where they belong. ---
desktop=$(grep -E '^/usr/share/applications/[^/]+\.desktop$' "$work/files") ||
  fail "no desktop entry in /usr/share/applications"
expected=(
  /usr/bin/countersign-app
  /usr/bin/countersign
  /usr/lib/udev/rules.d/70-countersign-fido.rules
  /usr/share/man/man1/countersign.1.gz
  /usr/share/man/man1/countersign-key-pin-change.1.gz
  /usr/share/bash-completion/completions/countersign
  /usr/share/zsh/vendor-completions/_countersign
  /usr/share/fish/vendor_completions.d/countersign.fish
  /usr/share/icons/hicolor/scalable/apps/countersign-app.svg
)
for size in 16 24 32 48 64 128 256 512; do
  expected+=("/usr/share/icons/hicolor/${size}x${size}/apps/countersign-app.png")
done
for path in "${expected[@]}"; do
  grep -qx "$path" "$work/files" || fail "$package does not list $path"
  [ -f "$path" ] || fail "$path is listed but not installed"
done
ok "${#expected[@]} files in place, and the desktop entry $desktop"

for size in 16 24 32 48 64 128 256 512; do
  icon=/usr/share/icons/hicolor/${size}x${size}/apps/countersign-app.png
  file -b "$icon" | grep -q "PNG image data, $size x $size," || fail "$icon: $(file -b "$icon")"
done
ok "each PNG icon has its folder's size"

# The command line, its version and its manual.
[ "$(countersign --version)" = "countersign $version" ] ||
  fail "countersign --version says '$(countersign --version)', the package is $version"
[ "$(command -v countersign)" = /usr/bin/countersign ] || fail "countersign on PATH is $(command -v countersign)"
[ "$(man -w countersign)" = /usr/share/man/man1/countersign.1.gz ] || fail "man -w countersign: $(man -w countersign)"
manual=$(MANWIDTH=100 man --warnings countersign 2>"$work/man-warnings")
[ ! -s "$work/man-warnings" ] || fail "man countersign warns: $(cat "$work/man-warnings")"
for sub in init add list code import export scan key webauthn; do
  grep -qx " *countersign-$sub(1)" <<<"$manual" || fail "man countersign does not list countersign-$sub(1)"
done
MANWIDTH=100 man countersign-key-pin-change | grep -q -- '--path <PATH>' ||
  fail "man countersign-key-pin-change has no --path option"
ok "countersign --version, man countersign (and its subcommands' pages)"
bash --norc -c 'source /usr/share/bash-completion/completions/countersign && complete -p countersign' |
  grep -q '_countersign' || fail "the bash completion does not register for countersign"
ok "bash completion"

cmp -s "$repo/packaging/linux/70-countersign-fido.rules" /usr/lib/udev/rules.d/70-countersign-fido.rules ||
  fail "the installed udev rule differs from packaging/linux/70-countersign-fido.rules"
grep -q 'TAG+="uaccess"' /usr/lib/udev/rules.d/70-countersign-fido.rules || fail "udev rule without uaccess"
ok "udev rule"

validation=$(desktop-file-validate "$desktop" 2>&1) || fail "desktop-file-validate $desktop: $validation"
[ -z "$validation" ] || fail "desktop-file-validate $desktop: $validation"
grep -qx 'Exec=countersign-app %u' "$desktop" || fail "$desktop: $(grep ^Exec= "$desktop")"
grep -qx 'Icon=countersign-app' "$desktop" || fail "$desktop: $(grep ^Icon= "$desktop")"
grep -qx 'MimeType=x-scheme-handler/otpauth;x-scheme-handler/otpauth-migration;' "$desktop" ||
  fail "$desktop has no otpauth link handlers"
# desktop-file-utils' trigger ran update-desktop-database: the links now find the app.
for scheme in otpauth otpauth-migration; do
  grep -q "^x-scheme-handler/$scheme=.*$(basename "$desktop")" /usr/share/applications/mimeinfo.cache ||
    fail "mimeinfo.cache does not hand $scheme:// links to $(basename "$desktop")"
done
ok "desktop-file-validate, Exec/Icon/MimeType, link handlers in the MIME cache"

# Every library the binaries link to (ELF NEEDED) comes from a package the .deb names in
# Depends, as dpkg-shlibdeps would have it, so apt-get on a bare system brings them all and no
# other package's dependencies are relied on.
depends=$(dpkg-deb -f "$deb" Depends)
declared=$(tr ',' '\n' <<<"$depends" | sed 's/^ *//; s/ .*//')
for required in bubblewrap libwebkit2gtk-4.1-0 libgtk-3-0; do
  grep -qx "$required" <<<"$declared" || fail "Depends lacks $required: $depends"
done
needed=0
for binary in /usr/bin/countersign-app /usr/bin/countersign; do
  if ldd "$binary" | grep -q 'not found'; then fail "$binary: $(ldd "$binary" | grep 'not found')"; fi
  for soname in $(objdump -p "$binary" | awk '$1 == "NEEDED" {print $2}'); do
    path=$(ldd "$binary" | awk -v name="$soname" '$1 == name {print $3}')
    owner=$(dpkg -S "$path" 2>/dev/null || dpkg -S "$(realpath "$path")" 2>/dev/null) ||
      fail "$binary needs $soname ($path), which no package owns"
    owner=${owner%%:*}
    grep -qx "$owner" <<<"$declared" || fail "$binary needs $soname from $owner, which Depends lacks: $depends"
    needed=$((needed + 1))
  done
done
ok "each of the $needed libraries both binaries link to comes from a package in Depends"

if [ -n "$rpm_file" ]; then
  if command -v rpm >/dev/null; then
    rpm -qp --requires "$rpm_file" 2>/dev/null >"$work/rpm-requires"
    grep -qx 'bubblewrap' "$work/rpm-requires" || fail "$rpm_file does not require bubblewrap"
    # The .rpm names libraries by soname: each one the binaries link to, libc's aside.
    for binary in /usr/bin/countersign-app /usr/bin/countersign; do
      for soname in $(objdump -p "$binary" | awk '$1 == "NEEDED" {print $2}'); do
        case "$soname" in libc.so.* | libm.so.* | libgcc_s.so.*) continue ;; esac
        grep -qxF "$soname()(64bit)" "$work/rpm-requires" || fail "$(basename "$rpm_file") does not require $soname"
      done
    done
    rpm -qlp "$rpm_file" 2>/dev/null | sort >"$work/rpm-files"
    for path in "${expected[@]}"; do
      path=${path/\/zsh\/vendor-completions\//\/zsh\/site-functions\/}
      grep -qx "$path" "$work/rpm-files" || fail "$(basename "$rpm_file") lacks $path"
    done
    ok "the .rpm carries the same files and requires bubblewrap and every linked library"
  else
    fail "an .rpm to check but no rpm program (scripts/install-deps.sh --package-test installs it)"
  fi
fi

# --- The installed app and command line at work. ---
# User data of a person who used the app: it must survive the removal.
userdata=$work/user-data
mkdir -p "$userdata"
printf 'otpauth://totp/Kept:bob?secret=JBSWY3DPEHPK3PXP&issuer=Kept\n' >"$work/uri"
printf 'a password long enough\n' |
  countersign --data-dir "$userdata" init --password-stdin >/dev/null 2>&1 || fail "countersign init"
{ echo 'a password long enough'; cat "$work/uri"; } |
  countersign --data-dir "$userdata" add --password-stdin >/dev/null || fail "countersign add"
vault_sum=$(sha256sum "$userdata/vault.countersign")

(
  export COUNTERSIGN_APP=/usr/bin/countersign-app
  "$repo/scripts/headless.sh" "${CARGO:-cargo}" test --workspace --test installed -- \
    --ignored --test-threads=1 --nocapture
) || fail "the installed app's tests (tests/installed)"
ok "the installed app unlocked a command-line vault with the keyring and showed its code"

# --- Removal: nothing left but the user's data. ---
apt purge "$package" >"$work/purge.log" || { cat "$work/purge.log"; fail "apt-get purge $package"; }
installed && fail "$package is still installed after apt-get purge"
while read -r path; do
  [ -d "$path" ] || [ ! -e "$path" ] || fail "$path is left after purging $package"
done <"$work/files"
snapshot >"$work/after"
leftovers=()
while read -r path; do
  # Files of packages apt-get installed as dependencies stay, as apt-get purge leaves them.
  dpkg -S "$path" >/dev/null 2>&1 && continue
  leftovers+=("$path")
done < <(comm -13 "$work/before" "$work/after")
for path in "${leftovers[@]}"; do
  case "$path" in
  # Caches the desktop's triggers rebuild; they may stay, but must not name the app.
  /usr/share/applications/mimeinfo.cache | /usr/share/icons/hicolor/icon-theme.cache) ;;
  *) fail "left behind after purging: $path" ;;
  esac
done
if grep -l -i countersign /usr/share/applications/mimeinfo.cache 2>/dev/null; then
  fail "the MIME cache still names Countersign after the purge"
fi
[ "$(sha256sum "$userdata/vault.countersign")" = "$vault_sum" ] || fail "the user's vault changed"
ok "apt-get purge left nothing behind; the user's vault is untouched"
echo "smoke: all checks passed for $(basename "$deb")"
