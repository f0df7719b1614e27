#!/usr/bin/env bash
# Installs the Debian 12 packages pactwatch needs to build, test and run (DESIGN.md §10), only those that
# are missing (`deps.sh fuzz`: also what scripts/fuzz.sh needs). Idempotent and silent when everything is
# already installed; `apt-get update` runs only when something has to be installed. Works as root, or
# through sudo, with no terminal (CI=true, no stdin).
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build ccache clang-format
  libboost-dev libboost-system-dev libboost-program-options-dev
  libsoci-dev libmysqlcppconn-dev libmariadb-dev nlohmann-json3-dev libspdlog-dev libssl-dev libsqlite3-dev
  libgtest-dev libgmock-dev googletest libbenchmark-dev
  mariadb-server wrk python3
  # The dashboard's browser test (tests/browser/run.sh): Debian's chromium, driven by playwright-core from
  # npm (no browser download), and a CJK font so that the zh-CN pages render as text in its screenshots.
  chromium fonts-wqy-microhei
)
# `deps.sh fuzz` (scripts/fuzz.sh) adds clang with libFuzzer, the sanitizer runtimes and llvm-symbolizer
# for their reports. Clang 19: older Debian clangs cannot compile libstdc++ 12's <expected> (they define
# __cpp_concepts below 202002).
if [[ ${1:-} == fuzz ]]; then
  PACKAGES+=(clang-19 libclang-rt-19-dev llvm-19)
fi

missing=()
for package in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null || true)
  [[ $status == installed ]] || missing+=("$package")
done
((${#missing[@]} == 0)) && exit 0

echo "deps: installing ${missing[*]}" >&2
SUDO=()
if ((EUID != 0)); then
  if ! command -v sudo >/dev/null; then
    echo "deps: missing packages (${missing[*]}) and not root; install them or run as root" >&2
    exit 1
  fi
  SUDO=(sudo -n)
fi

# Without systemd (containers, CI) the mariadb-server package must not try to start a service: a
# policy-rc.d that denies service starts does that, the usual way for images. Created only if absent,
# and removed again afterwards.
created_policy=0
cleanup() { ((created_policy)) && "${SUDO[@]}" rm -f /usr/sbin/policy-rc.d; return 0; }
trap cleanup EXIT
if [[ ! -d /run/systemd/system && ! -e /usr/sbin/policy-rc.d ]]; then
  printf '#!/bin/sh\nexit 101\n' | "${SUDO[@]}" tee /usr/sbin/policy-rc.d >/dev/null
  "${SUDO[@]}" chmod 755 /usr/sbin/policy-rc.d
  created_policy=1
fi

export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
  -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${missing[@]}" </dev/null
