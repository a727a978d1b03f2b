#!/usr/bin/env bash
# Sets everything up (Node 22 if needed, Yarn, dependencies) and starts the
# portal on embedded defaults: frontend on http://localhost:3000, backend on
# http://localhost:7007, SQLite and the built-in CA's keys under ./data.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
install_deps
mkdir -p "$ROOT/data"
export CERTIFICATES_DATA_DIR="${CERTIFICATES_DATA_DIR:-$ROOT/data}"
cd "$ROOT"
exec yarn start "$@"
