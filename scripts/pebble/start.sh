#!/usr/bin/env bash
# Starts Debian's pebble (test-only ACME server) for trying the ACME issuer by hand.
# Writes a TLS CA + server certificate and a config into a folder, then runs pebble
# in the foreground. Validation always passes (PEBBLE_VA_ALWAYS_VALID=1).
#
#   scripts/pebble/start.sh [dir]        # default dir: ./data/pebble
#
# Then point an issuer at it (see plugins/certificates-backend-module-acme/README.md):
#   directoryUrl: https://127.0.0.1:14000/dir
#   caBundle: contents of <dir>/tls-ca.pem
#   caCertificateUrl: https://127.0.0.1:15000/roots/0
set -euo pipefail

DIR="${1:-./data/pebble}"
ACME_PORT="${PEBBLE_ACME_PORT:-14000}"
MGMT_PORT="${PEBBLE_MANAGEMENT_PORT:-15000}"
PEBBLE="${PEBBLE_BINARY:-/usr/bin/pebble}"

if [ ! -x "$PEBBLE" ]; then
  echo "pebble not found at $PEBBLE: apt-get install -y pebble" >&2
  exit 1
fi

mkdir -p "$DIR"
cd "$DIR"
if [ ! -f server.pem ]; then
  EC=(-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes)
  openssl req -x509 "${EC[@]}" -keyout tls-ca.key -out tls-ca.pem -days 30 -subj "/CN=pebble TLS CA" 2>/dev/null
  openssl req "${EC[@]}" -keyout server.key -out server.csr -subj "/CN=localhost" 2>/dev/null
  printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' > server.ext
  openssl x509 -req -in server.csr -CA tls-ca.pem -CAkey tls-ca.key -CAcreateserial \
    -out server.pem -days 30 -extfile server.ext 2>/dev/null
fi
cat > pebble.json <<JSON
{
  "pebble": {
    "listenAddress": "127.0.0.1:${ACME_PORT}",
    "managementListenAddress": "127.0.0.1:${MGMT_PORT}",
    "certificate": "$(pwd)/server.pem",
    "privateKey": "$(pwd)/server.key",
    "httpPort": 5002,
    "tlsPort": 5001,
    "ocspResponderURL": "",
    "externalAccountBindingRequired": false
  }
}
JSON

echo "pebble TLS CA: $(pwd)/tls-ca.pem"
export PEBBLE_VA_ALWAYS_VALID=1 PEBBLE_VA_NOSLEEP=1 PEBBLE_WFE_NONCEREJECT=0
exec "$PEBBLE" -config pebble.json
