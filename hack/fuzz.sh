#!/usr/bin/env bash
# Runs every fuzz target of the module: each func FuzzXxx of a _test.go file
# (outside the generated client/), for FUZZTIME each (default 60s). go test
# fuzzes one target per invocation, hence this loop. `make fuzz` runs it;
# `make test` runs it with a short FUZZTIME as a smoke test.
#
#   hack/fuzz.sh        fuzz every target
#   hack/fuzz.sh -l     list the targets, one "<package dir> <target>" a line
#   FUZZTIME=10m hack/fuzz.sh
#
# A failing input is written by go test under the package's
# testdata/fuzz/<target>/ (commit it with the fix: it then runs as a seed in
# every `go test`). The last line says how many targets passed and failed.
set -euo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
FUZZTIME=${FUZZTIME:-60s}
FUZZMINIMIZETIME=${FUZZMINIMIZETIME:-60s} # how long a failing (or new) input is minimized

# targets prints "<package dir> <target>" for every fuzz target, sorted.
targets() {
	find . -path ./client -prune -o -path ./.git -prune -o -name '*_test.go' -print |
		while read -r file; do
			sed -n 's/^func \(Fuzz[A-Za-z0-9_]*\)(.*/\1/p' "$file" |
				while read -r name; do printf '%s %s\n' "$(dirname "$file")" "$name"; done
		done | sort
}

if [ "${1:-}" = -l ]; then
	targets
	exit 0
fi

passed=0 failed=0 failures=""
while read -r dir name; do
	start=$(date +%s)
	if out=$("$GO" test -run '^$' -fuzz "^${name}\$" -fuzztime "$FUZZTIME" -fuzzminimizetime "$FUZZMINIMIZETIME" "$dir" 2>&1); then
		passed=$((passed + 1))
		echo "fuzz: ok   $dir $name ($(($(date +%s) - start))s)"
	else
		failed=$((failed + 1))
		failures="$failures $dir:$name"
		echo "fuzz: FAIL $dir $name"
		printf '%s\n' "$out"
	fi
done < <(targets)
[ -z "$failures" ] || echo "fuzz: failed:$failures"
echo "fuzz: $passed passed, $failed failed"
[ "$failed" = 0 ]
