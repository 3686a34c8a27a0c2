#!/usr/bin/env bash
# Installs the system libraries SemCom links against, if they are missing:
# OpenBLAS (cblas.h, libopenblas) and zstd (zstd.h, libzstd), through apt-get or Homebrew.
# Safe to run again: it installs nothing when both are present.
set -euo pipefail

have() { pkg-config --exists "$1" 2>/dev/null; }

missing=()
have openblas || missing+=(libopenblas-dev)
have libzstd || missing+=(libzstd-dev)
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: OpenBLAS and zstd are installed."
  exit 0
fi

echo "setup: installing ${missing[*]}"
if command -v apt-get >/dev/null 2>&1; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq "${missing[@]}"
elif command -v brew >/dev/null 2>&1; then
  brew install openblas zstd pkg-config
else
  echo "setup: please install OpenBLAS and zstd development packages (cblas.h, zstd.h) and pkg-config." >&2
  exit 1
fi
have openblas && have libzstd || { echo "setup: OpenBLAS or zstd still not found by pkg-config" >&2; exit 1; }
echo "setup: done."
