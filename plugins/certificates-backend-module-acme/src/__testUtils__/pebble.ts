import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const PEBBLE_BINARY = process.env.PEBBLE_BINARY ?? '/usr/bin/pebble';

export interface PebbleServer {
  directoryUrl: string;
  managementUrl: string;
  /** The test CA that signed pebble's own TLS certificate. */
  tlsCaPem: string;
  /** Where pebble's VA sends http-01 requests (to the identifier's address). */
  httpPort: number;
  /** GET on the management interface (roots, cert status). */
  management(pathname: string): Promise<{ status: number; body: string }>;
  stop(): Promise<void>;
}

export function pebbleAvailable(): boolean {
  return fs.existsSync(PEBBLE_BINARY);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * `count` distinct free ports, held open together while they are chosen
 * (one at a time, the system could hand out the same port twice).
 */
async function freePorts(count: number): Promise<number[]> {
  const servers: net.Server[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const server = net.createServer();
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => resolve());
      });
    }
    return servers.map(s => (s.address() as net.AddressInfo).port);
  } finally {
    await Promise.all(
      servers.map(s => new Promise<void>(resolve => s.close(() => resolve()))),
    );
  }
}

/** A throwaway CA and a 127.0.0.1/localhost server certificate for pebble's TLS. */
function makeTlsFiles(dir: string) {
  const run = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  run(['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=pebble test TLS CA']);
  run(['req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost']);
  fs.writeFileSync(
    path.join(dir, 'server.ext'),
    'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n',
  );
  run(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial',
    '-out', 'server.pem', '-days', '2', '-extfile', 'server.ext']);
  return fs.readFileSync(path.join(dir, 'ca.pem'), 'utf8');
}

function get(url: string, ca: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    https
      .get(url, { ca }, res => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', c => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

/**
 * Starts `/usr/bin/pebble` on free ports with a fresh TLS CA. `env` adds
 * pebble switches (PEBBLE_VA_ALWAYS_VALID, PEBBLE_ALTERNATE_ROOTS, ...).
 * A port taken by another process between being chosen and pebble binding
 * it (parallel test suites) is retried on new ports.
 */
export async function startPebble(options: {
  env?: Record<string, string>;
  httpPort?: number;
} = {}): Promise<PebbleServer> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startPebbleOnce(options);
    } catch (error) {
      if (attempt >= 3 || !/address already in use/.test(String(error))) {
        throw error;
      }
    }
  }
}

async function startPebbleOnce(options: {
  env?: Record<string, string>;
  httpPort?: number;
}): Promise<PebbleServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pebble-'));
  const tlsCaPem = makeTlsFiles(dir);
  const [acmePort, managementPort, tlsPort, chosenHttpPort] = await freePorts(4);
  const httpPort = options.httpPort ?? chosenHttpPort;
  const configFile = path.join(dir, 'pebble.json');
  fs.writeFileSync(
    configFile,
    JSON.stringify({
      pebble: {
        listenAddress: `127.0.0.1:${acmePort}`,
        managementListenAddress: `127.0.0.1:${managementPort}`,
        certificate: path.join(dir, 'server.pem'),
        privateKey: path.join(dir, 'server.key'),
        httpPort,
        tlsPort,
        ocspResponderURL: '',
        externalAccountBindingRequired: false,
      },
    }),
  );
  let output = '';
  const child: ChildProcess = spawn(PEBBLE_BINARY, ['-config', configFile], {
    env: {
      PATH: process.env.PATH,
      PEBBLE_VA_NOSLEEP: '1',
      PEBBLE_WFE_NONCEREJECT: '0',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', d => (output += d));
  child.stderr?.on('data', d => (output += d));

  const directoryUrl = `https://127.0.0.1:${acmePort}/dir`;
  const managementUrl = `https://127.0.0.1:${managementPort}`;
  const stop = () =>
    new Promise<void>(resolve => {
      if (child.exitCode !== null || child.signalCode !== null) {
        resolve();
        return;
      }
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }).then(() => fs.rmSync(dir, { recursive: true, force: true }));

  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) {
      fs.rmSync(dir, { recursive: true, force: true });
      throw new Error(`pebble exited with ${child.exitCode}:\n${output}`);
    }
    try {
      const dirRes = await get(directoryUrl, tlsCaPem);
      const mgmtRes = await get(`${managementUrl}/roots/0`, tlsCaPem);
      if (dirRes.status === 200 && mgmtRes.status === 200) {
        break;
      }
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`pebble did not serve ${directoryUrl} within 10 s:\n${output}`);
    }
    await new Promise(r => setTimeout(r, 50));
  }

  return {
    directoryUrl,
    managementUrl,
    tlsCaPem,
    httpPort,
    management: p => get(`${managementUrl}${p}`, tlsCaPem),
    stop,
  };
}
