#!/usr/bin/env bash
# install-deps.sh installs the OS packages the tests need, when missing:
# git, make, and PostgreSQL (server and client programs, for the end-to-end
# test in e2e/). With --generate it also installs protoc (protobuf-compiler),
# which only `make generate` / `make verify` need. Idempotent; on a machine
# that has them it does nothing.
set -euo pipefail

need=()
command -v git >/dev/null || need+=(git)
command -v make >/dev/null || need+=(make)
# The e2e test takes the newest /usr/lib/postgresql/<version>/bin (Debian's
# layout), where the server programs live; they are not on PATH.
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || need+=(postgresql)
if [ "${1:-}" = "--generate" ]; then
  command -v protoc >/dev/null || need+=(protobuf-compiler)
fi

if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "install-deps: missing ${need[*]}; run as root (make deps) or install the OS packages: ${need[*]}" >&2
    exit 1
  fi
  if ! command -v apt-get >/dev/null; then
    echo "install-deps: missing ${need[*]} and no apt-get here; install the OS packages: ${need[*]}" >&2
    exit 1
  fi
  echo "install-deps: installing ${need[*]}" >&2
  # Wait for another apt or dpkg that holds the lock, rather than fail.
  apt=(apt-get -qq -o DPkg::Lock::Timeout=300)
  for attempt in 1 2 3; do
    "${apt[@]}" update && break
    [ "$attempt" = 3 ] && { echo "install-deps: apt-get update failed" >&2; exit 1; }
    echo "install-deps: apt-get update failed (the package lists may be locked); retrying" >&2
    sleep 10
  done
  # The postgresql package tries to start a system cluster; in a container
  # without an init system that fails harmlessly and the tests start their own.
  DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y "${need[@]}" >/dev/null
fi
