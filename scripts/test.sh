#!/usr/bin/env bash
# Runs every check and test of Hromada against the real PostgreSQL and Redis
# (started, or installed, first). This is the README's test command and CI's.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v go >/dev/null || { echo "test: ERROR: Go is not installed (https://go.dev/doc/install)" >&2; exit 1; }
scripts/services.sh
echo "test: go vet ./..." >&2
go vet ./...
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then echo "test: ERROR: gofmt would change: $unformatted" >&2; exit 1; fi
echo "test: go test -race ./..." >&2
go test -race -count=1 -timeout 30m ./... "$@"
