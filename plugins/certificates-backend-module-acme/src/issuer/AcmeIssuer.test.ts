import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import * as acme from 'acme-client';
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { IssueRequest } from '@kubecerts/backstage-plugin-certificates-node';
import {
  freePort,
  PEBBLE_BINARY,
  pebbleAvailable,
  PebbleServer,
  startPebble,
} from '../__testUtils__/pebble';
import {
  AcmeChallenge,
  ChallengeSolver,
  ChallengeWebhookPayload,
  Http01ChallengeResponder,
  WebhookChallengeSolver,
} from '../challenges';
import { DatabaseAcmeStateStore, FileAcmeStateStore } from '../state';
import { AcmeIssuer, AcmeIssuerOptions } from './AcmeIssuer';

const available = pebbleAvailable();
if (!available && !process.env.CI) {
  // eslint-disable-next-line no-console
  console.warn(
    `\n!!! ${PEBBLE_BINARY} not found: ACME tests against pebble are SKIPPED. Install it with 'apt-get install -y pebble'. !!!\n`,
  );
}
const describeWithPebble =
  available || process.env.CI ? describe : describe.skip;

const FAST_POLLING = { attempts: 20, minMs: 50, maxMs: 500 };

async function makeCsr(names: string[], ips: string[] = []) {
  const key = await acme.crypto.createPrivateEcdsaKey('P-256');
  const [, csr] = await acme.crypto.createCsr(
    { commonName: names[0], altNames: [...names, ...ips] },
    key,
  );
  return csr.toString();
}

function request(
  id: string,
  csrPem: string,
  dnsNames: string[],
  ipAddresses: string[] = [],
): IssueRequest {
  return {
    requestId: id,
    commonName: dnsNames[0],
    dnsNames,
    ipAddresses,
    uris: [],
    validityDays: 90,
    clientAuth: false,
    csrPem,
  };
}

function pemCerts(chain: string): X509Certificate[] {
  return (
    chain.match(
      /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g,
    ) ?? []
  ).map(p => new X509Certificate(p));
}

describeWithPebble('AcmeIssuer against pebble', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  let pebble: PebbleServer;
  let rootPem: string;
  let tmp: string;
  let createOrder: jest.SpyInstance;

  beforeAll(async () => {
    if (!available) {
      throw new Error(
        `${PEBBLE_BINARY} is missing and CI is set: install the Debian package 'pebble' so the ACME issuer is tested against a real server`,
      );
    }
    pebble = await startPebble({
      // No authorization reuse, so every order asks for its challenges.
      env: {
        PEBBLE_VA_ALWAYS_VALID: '1',
        PEBBLE_ALTERNATE_ROOTS: '1',
        PEBBLE_AUTHZREUSE: '0',
      },
    });
    rootPem = (await pebble.management('/roots/0')).body;
  });

  afterAll(async () => {
    await pebble?.stop();
  });

  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'acme-state-'));
    createOrder = jest.spyOn(acme.Client.prototype, 'createOrder');
  });

  afterEach(() => {
    createOrder.mockRestore();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  function issuer(overrides: Partial<AcmeIssuerOptions> = {}) {
    return AcmeIssuer.create({
      id: 'pebble',
      displayName: 'Pebble',
      directoryUrl: pebble.directoryUrl,
      email: 'pki@example.com',
      termsOfServiceAgreed: true,
      caBundle: pebble.tlsCaPem,
      caCertificateUrl: `${pebble.managementUrl}/roots/0`,
      solver: Http01ChallengeResponder.create(),
      state: FileAcmeStateStore.create({ dataDir: tmp, issuerId: 'pebble' }),
      logger: mockServices.logger.mock(),
      polling: FAST_POLLING,
      reachabilityTimeoutMs: 2000,
      ...overrides,
    });
  }

  it('issues a certificate for a CSR that chains to the pebble root', async () => {
    const names = ['app.example.com', 'www.app.example.com'];
    const csr = await makeCsr(names, ['127.0.0.1']);
    const issued = await issuer().issue(
      request('r-issue', csr, names, ['127.0.0.1']),
    );

    const [leaf, intermediate, ...rest] = pemCerts(issued.chainPem);
    expect(rest).toHaveLength(0);
    expect(leaf.subjectAltName).toContain('DNS:app.example.com');
    expect(leaf.subjectAltName).toContain('DNS:www.app.example.com');
    expect(leaf.subjectAltName).toContain('IP Address:127.0.0.1');
    expect(leaf.serialNumber.toUpperCase()).toBe(issued.serialNumber);
    expect(new Date(issued.notAfter).getTime()).toBe(
      new Date(leaf.validTo).getTime(),
    );

    const root = new X509Certificate(rootPem);
    expect(leaf.checkIssued(intermediate)).toBe(true);
    expect(leaf.verify(intermediate.publicKey)).toBe(true);
    expect(intermediate.checkIssued(root)).toBe(true);
    expect(intermediate.verify(root.publicKey)).toBe(true);
  });

  it('returns the same certificate for a retried request id without a second order, also after a restart', async () => {
    const names = ['retry.example.com'];
    const csr = await makeCsr(names);
    const first = await issuer().issue(request('r-retry', csr, names));
    const again = await issuer().issue(request('r-retry', csr, names));
    expect(again.chainPem).toBe(first.chainPem);
    expect(createOrder).toHaveBeenCalledTimes(1);

    // A new key for the same request (secret delivery after a crash) must not get the old certificate.
    const csr2 = await makeCsr(names);
    const rekeyed = await issuer().issue(request('r-retry', csr2, names));
    expect(rekeyed.serialNumber).not.toBe(first.serialNumber);
    expect(createOrder).toHaveBeenCalledTimes(2);
  });

  it('shares one order between concurrent calls for the same request', async () => {
    const names = ['concurrent.example.com'];
    const csr = await makeCsr(names);
    const i = issuer();
    const [a, b] = await Promise.all([
      i.issue(request('r-conc', csr, names)),
      i.issue(request('r-conc', csr, names)),
    ]);
    expect(a.serialNumber).toBe(b.serialNumber);
    expect(createOrder).toHaveBeenCalledTimes(1);
  });

  it('refuses a CSR whose names differ from the approved ones, before ordering', async () => {
    const csr = await makeCsr(['approved.example.com', 'sneaky.example.com']);
    await expect(
      issuer().issue(request('r-mismatch', csr, ['approved.example.com'])),
    ).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringContaining('not approved: sneaky.example.com'),
    });
    await expect(
      issuer().issue({
        ...request('r-uri', csr, ['approved.example.com']),
        uris: ['spiffe://x/y'],
      }),
    ).rejects.toMatchObject({ name: 'InputError' });
    expect(createOrder).not.toHaveBeenCalled();
  });

  it('revokes through ACME, and revoking again is not an error', async () => {
    const names = ['revoke.example.com'];
    const csr = await makeCsr(names);
    const i = issuer();
    const issued = await i.issue(request('r-revoke', csr, names));
    const statusOf = async () => {
      const res = await pebble.management(
        `/cert-status-by-serial/${issued.serialNumber
          .toLowerCase()
          .replace(/^0+/, '')}`,
      );
      return JSON.parse(res.body).Status;
    };
    expect(await statusOf()).toBe('Valid');

    await i.revoke({
      serialNumber: issued.serialNumber,
      chainPem: issued.chainPem,
      reason: 'keyCompromise',
    });
    expect(await statusOf()).toBe('Revoked');
    await expect(
      i.revoke({
        serialNumber: issued.serialNumber,
        chainPem: issued.chainPem,
      }),
    ).resolves.toBeUndefined();
    await expect(
      i.revoke({ serialNumber: 'DEADBEEF', chainPem: issued.chainPem }),
    ).rejects.toMatchObject({ name: 'InputError' });
  });

  it('returns the preferred chain when the CA offers alternates', async () => {
    const alternate = new X509Certificate(
      (await pebble.management('/roots/1')).body,
    );
    const alternateCn = alternate.subject.replace(/^CN=/, '');
    const names = ['chain.example.com'];
    const issued = await issuer({ preferredChain: alternateCn }).issue(
      request('r-chain', await makeCsr(names), names),
    );
    const [, intermediate] = pemCerts(issued.chainPem);
    expect(intermediate.checkIssued(alternate)).toBe(true);
    expect(intermediate.verify(alternate.publicKey)).toBe(true);
  });

  it('describes itself with the root from the management endpoint', async () => {
    const info = await issuer().info();
    const root = new X509Certificate(rootPem);
    expect(info).toMatchObject({
      id: 'pebble',
      type: 'acme',
      displayName: 'Pebble',
      supportsRevocation: true,
      deliveries: ['csr', 'secret'],
      caCertificate: {
        subject: root.subject,
        fingerprintSha256: root.fingerprint256.replace(/:/g, '').toLowerCase(),
      },
    });
    // A management endpoint that is down leaves the CA out instead of failing.
    const port = await freePort();
    const degraded = await issuer({
      caCertificateUrl: `https://127.0.0.1:${port}/roots/0`,
    }).info();
    expect(degraded.caCertificate).toBeUndefined();
    expect(degraded.supportsRevocation).toBe(true);
  });

  it('keeps a generated account key in the data folder and reuses it', async () => {
    const names = ['account.example.com'];
    await issuer().issue(request('r-acct1', await makeCsr(names), names));
    const keyFile = path.join(tmp, 'acme', 'pebble', 'account-key.pem');
    const key = fs.readFileSync(keyFile, 'utf8');
    expect(key).toContain('PRIVATE KEY');
    expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
    await issuer().issue(request('r-acct2', await makeCsr(names), names));
    expect(fs.readFileSync(keyFile, 'utf8')).toBe(key);
  });

  it('continues on replica B the order replica A started, with the state in the database: one certificate', async () => {
    const knex = await databases.init('SQLITE_3');
    await knex.migrate.latest({
      directory: path.resolve(__dirname, '../../migrations'),
      tableName: 'certificates_acme_knex_migrations',
    });
    const replica = (overrides: Partial<AcmeIssuerOptions> = {}) =>
      issuer({
        state: DatabaseAcmeStateStore.create({
          knex,
          issuerId: 'pebble',
          encryptionKey: 'test-encryption-key-of-at-least-32-chars',
        }),
        ...overrides,
      });
    // A dies between placing the order and answering its challenge.
    const dying: ChallengeSolver = {
      type: 'http-01',
      present: async () => {
        throw new Error('replica A stopped');
      },
      cleanup: async () => undefined,
    };
    const names = ['handover.example.com'];
    const req = request('r-handover', await makeCsr(names), names);
    await expect(replica({ solver: dying }).issue(req)).rejects.toThrow();
    expect(createOrder).toHaveBeenCalledTimes(1);

    const issued = await replica().issue(req);
    const again = await replica().issue(req);
    expect(again.serialNumber).toBe(issued.serialNumber);
    expect(createOrder).toHaveBeenCalledTimes(1);
    // The generated account key is shared through the database, never in clear.
    expect(
      fs.existsSync(path.join(tmp, 'acme', 'pebble', 'account-key.pem')),
    ).toBe(false);
    const accounts = await knex('certificates_acme_accounts');
    expect(accounts).toHaveLength(1);
    expect(JSON.stringify(accounts)).not.toMatch(/PRIVATE KEY/);
  });

  it('hands dns-01 challenges to the webhook', async () => {
    const calls: ChallengeWebhookPayload[] = [];
    const hook = http.createServer((req, res) => {
      let body = '';
      req.on('data', c => (body += c));
      req.on('end', () => {
        expect(req.headers.authorization).toBe('Bearer hook-secret');
        calls.push(JSON.parse(body));
        res.end('ok');
      });
    });
    await new Promise<void>(r => hook.listen(0, '127.0.0.1', r));
    const { port } = hook.address() as { port: number };
    try {
      const names = ['dns.example.com'];
      const solver = WebhookChallengeSolver.create({
        issuerId: 'pebble',
        type: 'dns-01',
        url: `http://127.0.0.1:${port}/hook`,
        token: 'hook-secret',
      });
      await issuer({ solver }).issue(
        request('r-dns', await makeCsr(names), names),
      );
    } finally {
      await new Promise(r => hook.close(r));
    }
    expect(calls.map(c => c.action)).toEqual(['present', 'cleanup']);
    expect(calls[0]).toMatchObject({
      issuerId: 'pebble',
      type: 'dns-01',
      identifier: { type: 'dns', value: 'dns.example.com' },
      dnsRecordName: '_acme-challenge.dns.example.com',
    });
    // dns-01 wants the base64url SHA-256 of the key authorization.
    expect(calls[0].keyAuthorization).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('serves the http-01 answer on the responder while the challenge is open', async () => {
    const responder = Http01ChallengeResponder.create();
    const server = http.createServer((req, res) => {
      req.url = req.url!.replace('/.well-known/acme-challenge', '');
      responder.handler(req, res, () => {
        res.statusCode = 405;
        res.end();
      });
    });
    await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as { port: number };
    const served: Array<{
      challenge: AcmeChallenge;
      body: string;
      status: number;
    }> = [];
    const probe: ChallengeSolver = {
      type: 'http-01',
      async present(challenge) {
        await responder.present(challenge);
        const res = await fetch(
          `http://127.0.0.1:${port}/.well-known/acme-challenge/${challenge.token}`,
        );
        served.push({ challenge, status: res.status, body: await res.text() });
      },
      cleanup: c => responder.cleanup(c),
    };
    try {
      const names = ['http.example.com'];
      await issuer({ solver: probe }).issue(
        request('r-http', await makeCsr(names), names),
      );
    } finally {
      await new Promise(r => server.close(r));
    }
    expect(served).toHaveLength(1);
    for (const s of served) {
      expect(s.status).toBe(200);
      expect(s.body).toBe(s.challenge.keyAuthorization);
      expect(s.body.startsWith(`${s.challenge.token}.`)).toBe(true);
    }
    expect(responder.pendingCount).toBe(0);
  });

  it('fails fast and clearly when the ACME server is down, the URL is wrong or its TLS is untrusted', async () => {
    const names = ['down.example.com'];
    const csr = await makeCsr(names);
    const port = await freePort();
    const started = Date.now();
    await expect(
      issuer({ directoryUrl: `https://127.0.0.1:${port}/dir` }).issue(
        request('r-down', csr, names),
      ),
    ).rejects.toMatchObject({
      name: 'ServiceUnavailableError',
      message: expect.stringMatching(
        /could not issue the certificate: .* is unreachable \(ECONNREFUSED\)/,
      ),
    });
    await expect(
      issuer({
        directoryUrl: pebble.directoryUrl.replace('/dir', '/nope'),
      }).issue(request('r-404', csr, names)),
    ).rejects.toMatchObject({
      name: 'ServiceUnavailableError',
      message: expect.stringContaining('is not an ACME directory (HTTP 404)'),
    });
    await expect(
      issuer({ caBundle: undefined }).issue(request('r-tls', csr, names)),
    ).rejects.toMatchObject({
      name: 'ServiceUnavailableError',
      message: expect.stringContaining('set caBundle'),
    });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(createOrder).not.toHaveBeenCalled();
  });
});
