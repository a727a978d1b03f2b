import { createPrivateKey } from 'node:crypto';
import {
  eventually,
  ReliabilityBackend,
  reliabilitySuite,
} from './__testUtils__/backend';
import {
  checkoutBody,
  inventoryRow,
  paymentsBody,
  paymentsCsr,
  requestIn,
} from './__testUtils__/requests';

/*
 * Invariant 6: private keys never reach the database, logs, audit records
 * or API responses. A full run of every delivery kind, then a search of all
 * of those for the keys the backend generated (read back from the Secrets it
 * wrote) in every encoding they could take.
 */

const { tally, databases } = reliabilitySuite('leaks', 120_000);

/** The forms a PEM private key could be found in. */
function encodingsOf(keyPem: string): Record<string, string> {
  const der = createPrivateKey(keyPem).export({ type: 'pkcs8', format: 'der' });
  const jwk = createPrivateKey(keyPem).export({ format: 'jwk' }) as {
    d?: string;
  };
  return {
    'PEM body': keyPem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''),
    'DER base64': der.toString('base64'),
    'DER hex': der.toString('hex'),
    'DER HEX': der.toString('hex').toUpperCase(),
    'PEM as base64 (Secret data)': Buffer.from(keyPem).toString('base64'),
    ...(jwk.d ? { 'JWK d': jwk.d } : {}),
  };
}

/** Hits of `needle` in `haystack`, also with whitespace and JSON-escaped newlines removed. */
function hits(haystack: string, needle: string): number {
  if (needle.length < 16) return 0;
  const flat = haystack.replace(/\\[nr]|\s+/g, '');
  return flat.split(needle).length - 1;
}

describe('the leak scan itself', () => {
  it('finds a key in every form it looks for, also inside JSON and across line breaks', async () => {
    const { privateKeyPem } = await paymentsCsr();
    for (const [form, needle] of Object.entries(encodingsOf(privateKeyPem))) {
      const planted = JSON.stringify({
        message: `x ${needle.replace(/(.{64})/g, '$1\n')} y`,
      });
      expect([form, hits(planted, needle)]).toEqual([form, 1]);
    }
  });
});

describe.each(databases.eachSupportedId())('leak scan on %p', databaseId => {
  let b: ReliabilityBackend;

  beforeAll(async () => {
    b = await ReliabilityBackend.start({
      knex: await databases.init(databaseId),
    });
  });
  afterAll(async () => {
    await b?.stop();
  });

  /** The key the backend generated into a Secret it wrote. */
  function keyIn(namespace: string, name: string): string {
    const secret = b.sim.get<any>('v1', 'Secret', namespace, name);
    expect(secret?.data?.['tls.key']).toBeDefined();
    return Buffer.from(secret.data['tls.key'], 'base64').toString('utf8');
  }

  it('finds no generated private key in logs, tables, audit records or answers', async () => {
    const keys: string[] = [];

    // secret delivery, auto-approved: the backend makes the key.
    const secret = await b.post('alice', '/requests', paymentsBody());
    expect(secret.status).toBe(201);
    await requestIn(b, secret.body.id, ['issued']);
    keys.push(keyIn('payments', 'payments-api-tls'));

    // secret delivery after two approvals.
    const approved = await b.post('carol', '/requests', checkoutBody());
    expect(approved.status).toBe(201);
    for (const approver of ['sam', 'sasha']) {
      await b.post(approver, `/requests/${approved.body.id}/decision`, {
        decision: 'approve',
      });
    }
    await requestIn(b, approved.body.id, ['issued']);
    keys.push(keyIn('storefront', 'checkout-web-tls'));

    // csr delivery: the requester's key (the backend never sees it; searched all the same).
    const csr = await paymentsCsr();
    keys.push(csr.privateKeyPem);
    const viaCsr = await b.post('alice', '/requests', csr.body);
    expect(viaCsr.status).toBe(201);
    await requestIn(b, viaCsr.body.id, ['issued']);
    expect(
      (await b.get('alice', `/requests/${viaCsr.body.id}/chain.pem`)).status,
    ).toBe(200);

    // A renewal writes a new key into the same Secret. The row must first
    // hold the issued certificate, linked to its request: discovery writes
    // it when the Secret's watch event arrives, which may come after the
    // request reads as issued.
    const row = await eventually(async () => {
      const found = await inventoryRow(b, 'payments', 'payments-api-tls');
      if (found.requestId !== secret.body.id)
        throw new Error('the row is not linked to its request yet');
      return found;
    });
    const renewal = await b.post('alice', `/certificates/${row.id}/renew`);
    expect(renewal.status).toBe(201);
    await requestIn(b, renewal.body.request.id, ['issued']);
    keys.push(
      await eventually(() => {
        const renewed = keyIn('payments', 'payments-api-tls');
        if (renewed === keys[0])
          throw new Error('the Secret still holds the first key');
        return renewed;
      }),
    );

    // Everything a user or approver can read back.
    for (const path of [
      '/certificates?limit=500',
      `/certificates/${row.id}`,
      `/requests/${secret.body.id}`,
      `/requests/${approved.body.id}`,
      '/requests?limit=100',
      '/approvals/history',
      '/audit?limit=500',
      '/export.csv',
      '/counts',
    ]) {
      expect((await b.get('sam', path)).status).toBe(200);
    }

    const sources: Record<string, string> = {
      logs: b.logger.lines.map(l => `${l.level} ${l.text}`).join('\n'),
      database: await b.dumpAllRows(),
      'API answers': b.responses
        .map(r => `${r.method} ${r.path} ${r.status} ${r.text}`)
        .join('\n'),
    };
    const found: string[] = [];
    for (const [source, text] of Object.entries(sources)) {
      const literal = text.split('PRIVATE KEY').length - 1;
      if (literal) found.push(`${source}: "PRIVATE KEY" x${literal}`);
      keys.forEach((keyPem, i) => {
        for (const [form, needle] of Object.entries(encodingsOf(keyPem))) {
          const n = hits(text, needle);
          if (n) found.push(`${source}: key ${i + 1} as ${form} x${n}`);
        }
      });
    }
    const leaks = found.reduce(
      (sum, f) => sum + Number(f.split(' x').pop()),
      0,
    );
    tally.add({ leaks });
    expect(keys.length).toBeGreaterThanOrEqual(3);
    expect(sources.logs.length).toBeGreaterThan(0);
    expect(found).toEqual([]);
  });
});
