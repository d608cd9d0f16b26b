#!/usr/bin/env bash
# update-codegen.sh regenerates everything that is generated: deepcopy and
# CRDs (controller-gen), the typed clientset, listers and informers
# (k8s.io/code-generator), and mocks (mockgen). Tools are pinned in tools/go.mod.
set -euo pipefail
cd "$(dirname "$0")/.."

MOD=github.com/dpsdk/dataprotection
HEADER=hack/boilerplate.go.txt
tool() { go tool -modfile=tools/go.mod "$@"; }

echo ">> controller-gen: deepcopy and CRDs" >&2
rm -f types/v1alpha1/crds/*.yaml
tool controller-gen object:headerFile="$HEADER" crd:crdVersions=v1 \
  paths=./types/v1alpha1/... output:crd:artifacts:config=types/v1alpha1/crds

echo ">> client-gen, lister-gen, informer-gen" >&2
rm -rf client
tool client-gen --go-header-file "$HEADER" --clientset-name versioned \
  --input-base "$MOD" --input types/v1alpha1 \
  --output-dir client/clientset --output-pkg "$MOD/client/clientset"
tool lister-gen --go-header-file "$HEADER" \
  --output-dir client/listers --output-pkg "$MOD/client/listers" ./types/v1alpha1
tool informer-gen --go-header-file "$HEADER" \
  --versioned-clientset-package "$MOD/client/clientset/versioned" \
  --listers-package "$MOD/client/listers" \
  --output-dir client/informers --output-pkg "$MOD/client/informers" ./types/v1alpha1

echo ">> mockgen: drivers/drivermock" >&2
tool mockgen -typed -package drivermock -destination drivers/drivermock/drivermock.go \
  -copyright_file "$HEADER" "$MOD/drivers" Driver
tool mockgen -typed -package drivermock -destination drivers/drivermock/targets.go \
  -copyright_file "$HEADER" "$MOD/targets" Resolver
