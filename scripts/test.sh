#!/usr/bin/env bash
# Sets everything up and runs every test: type-check, lint, unit and
# integration tests (every store test on SQLite and PostgreSQL), the ACME
# tests against pebble and the end-to-end tests in headless Chromium.
# Ends with one line "N passed, N failed" and exits non-zero on any failure.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
source "$ROOT/scripts/system-deps.sh"
source "$ROOT/scripts/postgres.sh"
install_deps
start_throwaway_postgres
cd "$ROOT"
node scripts/test-all.mjs "$@"
