/*
 * The simulated cluster for `yarn bench:ui`, run as a child process (forked
 * with sucrase's require hook) so its memory and CPU stay out of the backend.
 * Loads N TLS Secrets built from a small pool of certificates; 1,000 of them
 * (or all, when N is smaller) carry `backstage.io/kubernetes-id: payments-api`.
 * Sends { url, token, n, owned } over IPC when ready; stops on { cmd: 'stop' }.
 */
import path from 'path';

const testUtils = path.resolve(
  __dirname,
  '../plugins/certificates-backend-test-utils/src',
);
/* eslint-disable @typescript-eslint/no-var-requires */
const simulator = require(testUtils);

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const N = arg('n', 100_000);
const OWNED = Math.min(1_000, N);
const POOL = Math.min(200, N);
const step = Math.max(1, Math.floor(N / OWNED));

async function main() {
  const pool: Array<{ chainPem: string; keyPem: string }> = [];
  for (let i = 0; i < POOL; i++) {
    pool.push(
      await simulator.createLeafCertificate({
        dnsNames: [`svc-${i}.example.com`],
        keyType: 'ec-p256',
        keySlot: i % 16,
        notAfter: new Date(Date.now() + (10 + (i % 300)) * 86_400_000),
      }),
    );
  }
  const sim = await simulator.KubernetesApiSimulator.start({
    historyTtlMs: 60 * 60_000,
  });
  let owned = 0;
  for (let i = 0; i < N; i++) {
    const isOwned = i % step === 0 && owned < OWNED;
    if (isOwned) owned++;
    const leaf = pool[i % pool.length];
    sim.apply(
      simulator.tlsSecret({
        namespace: isOwned ? 'payments' : `ns-${i % 200}`,
        name: `tls-${i}`,
        certPem: leaf.chainPem,
        keyPem: leaf.keyPem,
        labels: {
          'backstage.io/kubernetes-id': isOwned ? 'payments-api' : `svc-${i % 500}`,
        },
      }),
    );
    if ((i + 1) % 20_000 === 0) process.send!({ loaded: i + 1 });
  }
  process.send!({ ready: true, url: sim.url, token: sim.adminToken, n: N, owned });
  process.on('message', async (msg: any) => {
    if (msg?.cmd === 'stop') {
      await sim.stop();
      process.exit(0);
    }
  });
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
