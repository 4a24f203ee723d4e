#!/usr/bin/env bash
# Runs Hromada. With no TELEGRAM_BOT_TOKEN it is a local sandbox: the bot
# talks to a built-in Telegram emulator and you chat with it in this terminal.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v go >/dev/null || { echo "run: ERROR: Go is not installed (https://go.dev/doc/install)" >&2; exit 1; }
scripts/services.sh
exec go run ./cmd/hromada run "$@"
