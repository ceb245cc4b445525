# shellcheck shell=bash
# Sourced by the other scripts: the environment every cargo call of the project uses.
#
# Two ways to build the WebAssembly half:
# - the simple one, where rustup has the wasm32-unknown-unknown target;
# - the Debian one, where it has not and cannot download it: Debian's rustc (rustc-web) with
#   the standard library's source (rust-web-src) builds std for wasm32 itself (-Zbuild-std),
#   and lld's wasm-ld links it. One compiler then builds both halves.

RINNALLA_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export RINNALLA_ROOT

# Pinned tool versions. wasm-bindgen-cli is not pinned here: it must equal the wasm-bindgen
# crate in Cargo.lock, and is read from there.
CARGO_LEPTOS_VERSION="0.3.11"
DEBIAN_RUST_PACKAGES=(rustc-web cargo-web rust-web-src rust-web-clippy lld-22)
DEBIAN_WASM_LINKER="wasm-ld-22"

log() { printf '\033[1m[rinnalla]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[rinnalla]\033[0m %s\n' "$*" >&2; exit 1; }

have_rustup_wasm_target() {
  command -v rustup >/dev/null 2>&1 &&
    rustup target list --installed 2>/dev/null | grep -qx 'wasm32-unknown-unknown'
}

# Which route this machine takes: "rustup" or "debian" (RINNALLA_WASM_ROUTE chooses one
# explicitly, e.g. to keep using a build directory made by the other).
wasm_route() {
  if [ -n "${RINNALLA_WASM_ROUTE:-}" ]; then
    echo "$RINNALLA_WASM_ROUTE"
  elif have_rustup_wasm_target; then
    echo rustup
  else
    echo debian
  fi
}

lockfile_version() { # the version of crate $1 in Cargo.lock
  awk -v name="$1" '
    $0 == "name = \"" name "\"" { found = 1; next }
    found && /^version = / { gsub(/"/, "", $3); print $3; exit }
  ' "$RINNALLA_ROOT/Cargo.lock"
}

use_project_env() {
  if [ "$(wasm_route)" = debian ]; then
    export RUSTC=/usr/bin/rustc
    export RUSTC_BOOTSTRAP=1
    export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER="$DEBIAN_WASM_LINKER"
    # cargo-leptos passes this to the library (WebAssembly) build only.
    CARGO_LEPTOS_ARGS=(--lib-cargo-args=-Zbuild-std=std,panic_abort)
    # Clippy must match the compiler that built the dependencies.
    CARGO_CLIPPY=(/usr/bin/cargo-clippy clippy)
  else
    CARGO_LEPTOS_ARGS=()
    CARGO_CLIPPY=(cargo clippy)
  fi
  # wasm-opt comes from the npm package binaryen (Debian's is too old and breaks the module).
  export PATH="$RINNALLA_ROOT/end2end/node_modules/.bin:$HOME/.cargo/bin:$PATH"
  export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
  export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$RINNALLA_ROOT/target}"
  export LEPTOS_SITE_ROOT="${LEPTOS_SITE_ROOT:-$CARGO_TARGET_DIR/site}"
  # The tests' SMTP server (aiosmtpd) lives in a virtual environment that setup makes.
  export RINNALLA_TEST_PYTHON="${RINNALLA_TEST_PYTHON:-$CARGO_TARGET_DIR/test-python/bin/python}"
}

# Deletes the test executables in the build directory that an earlier build made and the
# current one (cargo test "$@") replaced: same name, another hash. The current ones stay.
prune_superseded_test_binaries() {
  local deps="$CARGO_TARGET_DIR/debug/deps" current
  # Pruning is housekeeping: if listing the binaries fails, keep them all rather than fail.
  current="$(cargo test --no-run --message-format=json "$@" 2>/dev/null |
    sed -n 's/.*"executable":"\([^"]*\)".*/\1/p')" || return 0
  [ -n "$current" ] || return 0
  local path name
  while IFS= read -r path; do
    name="$(basename "$path")"
    name="${name%-*}"
    for old in "$deps/$name"-????????????????; do
      if [ -x "$old" ] && [ "$old" != "$path" ] && ! grep -qxF "$old" <<<"$current"; then
        rm -f "$old"
      fi
    done
  done <<<"$current"
  # The loop's status is its last test's; under `set -e` a false one would end the caller.
  return 0
}
