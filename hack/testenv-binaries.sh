#!/usr/bin/env bash
# Builds the servers that internal/testenv runs for integration tests, from
# source through the Go module proxy:
#
#   etcd, kube-apiserver, kube-controller-manager  from the nested tools module
#       hack/testenv (its go.mod pins k8s.io/kubernetes and etcd)
#   versitygw, an S3 server for internal/testenv/s3env  from the nested tools
#       module hack/s3server
#
# The binaries go to a cache directory outside the repository:
#
#   ${DP_TESTENV_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/dataprotection-testenv}/<k8s version>-<hash>/
#
# where <hash> is the first 12 hex digits of the sha256 of the go.mod and
# go.sum files of both tools modules, so any change of a pinned version
# builds afresh. Binaries already there are not built again (idempotent).
#
# The directory is printed on the last line of stdout; everything else goes to
# stderr. Typical use:
#
#   export DP_TESTENV_BIN="$(hack/testenv-binaries.sh | tail -1)"
#
# Cost on 2 cores: a cold kube-apiserver build takes 5-9 minutes, ~2.3 GB of
# RAM and ~3 GB of Go build cache; after it kube-controller-manager about 6
# minutes more, versitygw 2-3 minutes, etcd under a minute (~20 minutes in
# all). With the binaries in the cache a run takes well under a second; with
# only a warm Go build cache, one to two minutes (linking).
set -euo pipefail

log() { echo "testenv-binaries: $*" >&2; }

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools_dir="${repo_root}/hack/testenv"
s3_dir="${repo_root}/hack/s3server"

# The tools module must be resolved on its own, never through a go.work.
export GOWORK=off
# Static binaries; no C toolchain needed.
export CGO_ENABLED=0

cd "${tools_dir}"

k8s_version="$(go list -m -f '{{.Version}}' k8s.io/kubernetes)"
k8s_minor="$(echo "${k8s_version}" | cut -d. -f2)"
stamp_files=("${tools_dir}/go.mod" "${tools_dir}/go.sum" "${s3_dir}/go.mod" "${s3_dir}/go.sum")
if command -v sha256sum >/dev/null; then
	sum_hash="$(cat "${stamp_files[@]}" | sha256sum | cut -c1-12)"
else
	sum_hash="$(cat "${stamp_files[@]}" | shasum -a 256 | cut -c1-12)"
fi
cache_root="${DP_TESTENV_CACHE:-${XDG_CACHE_HOME:-${HOME}/.cache}/dataprotection-testenv}"
bin_dir="${cache_root}/${k8s_version}-${sum_hash}"

# The binary being built, removed if the script exits before it is complete.
partial=""
trap 'rm -f "${partial}"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# build NAME PACKAGE LDFLAGS: builds PACKAGE, in the module of the current
# directory, into bin_dir/NAME unless present.
# It builds into a temporary name and renames, so an interrupted build never
# leaves a binary that a later run would take as complete (and concurrent
# runs do not see each other's half-written files).
build() {
	local name="$1" pkg="$2" ldflags="$3"
	local out="${bin_dir}/${name}"
	if [[ -x "${out}" ]]; then
		log "${name}: cached at ${out}"
		return
	fi
	log "${name}: building ${pkg} (a cold build can take minutes)"
	local start
	start="$(date +%s)"
	partial="$(mktemp "${bin_dir}/.${name}.XXXXXX")"
	if ! go build -trimpath -ldflags "${ldflags}" -o "${partial}" "${pkg}" >&2; then
		log "${name}: build failed"
		return 1
	fi
	chmod 0755 "${partial}"
	mv -f "${partial}" "${out}"
	partial=""
	log "${name}: built in $(($(date +%s) - start))s"
}

mkdir -p "${bin_dir}"

build etcd go.etcd.io/etcd/server/v3 "-s -w"

# The Kubernetes binaries report the pinned version (else v0.0.0-master).
k8s_ldflags="-s -w \
 -X k8s.io/component-base/version.gitVersion=${k8s_version} \
 -X k8s.io/component-base/version.gitMajor=1 \
 -X k8s.io/component-base/version.gitMinor=${k8s_minor} \
 -X k8s.io/client-go/pkg/version.gitVersion=${k8s_version}"
build kube-apiserver k8s.io/kubernetes/cmd/kube-apiserver "${k8s_ldflags}"

build kube-controller-manager k8s.io/kubernetes/cmd/kube-controller-manager "${k8s_ldflags}"

cd "${s3_dir}"
vgw_version="$(go list -m -f '{{.Version}}' github.com/versity/versitygw)"
build versitygw github.com/versity/versitygw/cmd/versitygw "-s -w -X main.Version=${vgw_version}"

echo "${bin_dir}"
