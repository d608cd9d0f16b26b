#!/usr/bin/env bash
# update-proto.sh regenerates the Go code of the plugin protocol
# (drivers/plugin/proto/v1/*.pb.go) from drivers/plugin/proto/v1/driver.proto.
#
# Needs protoc on PATH (Debian: apt-get install protobuf-compiler). The Go
# plugins protoc-gen-go and protoc-gen-go-grpc are pinned in tools/go.mod and
# run through `go tool`, so every machine generates the same bytes; the only
# version not pinned here is protoc's own, which the generated header records.
#
# Deterministic: running it twice gives the same files, so `make verify` can
# regenerate and diff.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v protoc >/dev/null; then
  echo "update-proto: protoc not found; install it (Debian: apt-get install protobuf-compiler)" >&2
  exit 1
fi

tool_path() { go tool -modfile=tools/go.mod -n "$1"; }
gen_go="$(tool_path protoc-gen-go)"
gen_grpc="$(tool_path protoc-gen-go-grpc)"

protos=(drivers/plugin/proto/v1/driver.proto)

echo ">> protoc: ${protos[*]}" >&2
rm -f drivers/plugin/proto/v1/*.pb.go
# The import path is the repository root, so the files register under their
# repository paths (unique in the global protobuf registry).
protoc --proto_path=. \
  --plugin=protoc-gen-go="${gen_go}" \
  --plugin=protoc-gen-go-grpc="${gen_grpc}" \
  --go_out=. --go_opt=paths=source_relative \
  --go-grpc_out=. --go-grpc_opt=paths=source_relative \
  "${protos[@]}"
