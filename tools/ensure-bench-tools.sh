#!/usr/bin/env bash
# Installs the benchmark's peers into .tools/bin, built from source through the Go module proxy:
# versitygw (a fast S3-compatible server; posix backend over tmpfs) and s5cmd (the client people
# pick when speed matters). Only `npm run bench` (bench/scenarios/throughput-peers.ts) calls this;
# the tests and CI never need either. Exact versions: the proxy's version list refuses @latest for
# s5cmd/v2 (see below). Idempotent and quiet when both pinned versions are present.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
versitygw_version="v1.8.0"
s5cmd_version="v2.3.0"
bindir="$root/.tools/bin"
stamp="$bindir/.versions"
want="versitygw@$versitygw_version s5cmd@$s5cmd_version"
ready() { [ -x "$bindir/versitygw" ] && [ -x "$bindir/s5cmd" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; }
ready && exit 0
go="$(command -v go || true)"
if [ -z "$go" ] && [ -x /usr/local/go/bin/go ]; then go=/usr/local/go/bin/go; fi
[ -n "$go" ] || { echo "error: Go 1.22 or later is needed to build the benchmark peers (versitygw $versitygw_version, s5cmd $s5cmd_version); install Go and re-run" >&2; exit 3; }
if [ -z "${HOME:-}" ]; then export GOPATH="$root/.tools/go" GOCACHE="$root/.tools/go-cache"; fi
mkdir -p "$bindir"
exec 9>"$root/.tools/.lock"
flock 9
ready && exit 0
echo "building versitygw $versitygw_version and s5cmd $s5cmd_version (first bench run only)..." >&2
GOBIN="$bindir" GOFLAGS=-mod=mod "$go" install "github.com/versity/versitygw/cmd/versitygw@$versitygw_version" >&2
# `go install github.com/peak/s5cmd/v2@v2.3.0` fails on the proxy's refused version list (it looks
# up deprecations); downloading the exact release and building it from a writable copy works.
dir="$(GOFLAGS=-mod=mod "$go" mod download -json "github.com/peak/s5cmd/v2@$s5cmd_version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
src="$(mktemp -d)"
trap 'rm -rf "$src"' EXIT
cp -r "$dir/." "$src" && chmod -R u+w "$src"
(cd "$src" && GOFLAGS=-mod=mod "$go" build -o "$bindir/s5cmd" .) >&2
echo "$want" > "$stamp"
