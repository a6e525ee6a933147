#!/usr/bin/env bash
# The project's test command (README.md): installs what the tests need on a fresh Debian machine, then runs every
# test and the lints. Nothing is skipped: a missing tool is installed here, or the test that needs it fails saying so.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages: a real browser and its driver, a CJK font for screenshots, Java for the Nu HTML checker.
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
[ -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || missing+=(fonts-wqy-microhei)
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
# Node.js for the npm tools below (Lighthouse 12.2.3 wants 18.20 or later).
command -v node >/dev/null 2>&1 || missing+=(nodejs npm)
# The deploy tests: real nginx with the project's configuration, openssl for a test certificate, and
# systemd-analyze to verify the units.
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
command -v systemd-analyze >/dev/null 2>&1 || missing+=(systemd)
# `generator check --staged` and the pre-commit hook are tested in a git repository.
command -v git >/dev/null 2>&1 || missing+=(git)
# The print tests (#15): pdfinfo and pdftotext read what Chromium printed.
command -v pdfinfo >/dev/null 2>&1 || missing+=(poppler-utils)
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  echo "installing ${missing[*]} (Debian packages)"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm packages pinned in tests/package.json: the Nu HTML checker, axe-core, Lighthouse (tests/quality/).
(cd tests && npm install --no-audit --no-fund --silent)

cargo fmt --all --check
# Dependencies a crate names but does not use (cargo-machete, from crates.io, built once on a machine).
command -v cargo-machete >/dev/null 2>&1 || cargo install --locked --quiet cargo-machete
cargo machete
cargo clippy --workspace --all-targets --quiet -- -D warnings
cargo test --workspace
