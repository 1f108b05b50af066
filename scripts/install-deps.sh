#!/bin/bash
# Install the Debian 12 packages faxkit needs to build, test and demo.
# Idempotent: when every package is present it does nothing (no apt-get update).
set -euo pipefail

packages=(
  build-essential cmake pkg-config python3
  libcli11-dev libfmt-dev libboost-dev libtiff-dev libsqlite3-dev
  libsimdjson-dev nlohmann-json3-dev libcurl4-openssl-dev libspandsp-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  bats bats-support bats-assert scdoc jq
  clang libclang-rt-14-dev lld hyperfine
  hylafax-server hylafax-client ghostscript libtiff-tools socat
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "install-deps: installing ${missing[*]}" >&2
sudo=
if [ "$(id -u)" -ne 0 ]; then
  sudo=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
