#!/usr/bin/env bash
# Installs the system libraries phiscrub links (Debian/Ubuntu): PCRE2, OpenSSL 3, ICU, zlib, zstd, pkg-config; the
# zstd tool (batch tests write .zst inputs with it); python3 with venv and nodejs for the Python and Node clients'
# tests (.ci/python-tests.sh, .ci/node-tests.sh); and a Java runtime (17+) for the PySpark tests when no `java` is
# on PATH; gcc (its libasan) for the C ABI tests under AddressSanitizer (.ci/cabi-tests.sh, the Python binding's ASan run).
# Does nothing when they are already installed. Needs root or sudo only when something is missing.
set -euo pipefail
packages=(libpcre2-dev libssl-dev libicu-dev zlib1g-dev libzstd-dev zstd pkg-config python3 python3-venv nodejs gcc)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if ! command -v java >/dev/null 2>&1; then
  # Debian 12's default-jre-headless is OpenJDK 17 (PySpark 4 needs 17 or later).
  missing+=(default-jre-headless)
fi
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  echo "installing: ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
