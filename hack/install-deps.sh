#!/usr/bin/env bash
# install-deps.sh installs the OS packages the tests need, when missing.
# Idempotent; on a machine that has them it does nothing.
set -euo pipefail

need=()
command -v git >/dev/null || need+=(git)
command -v make >/dev/null || need+=(make)

if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "install-deps: missing ${need[*]}; run as root or install them" >&2
    exit 1
  fi
  echo "install-deps: installing ${need[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
