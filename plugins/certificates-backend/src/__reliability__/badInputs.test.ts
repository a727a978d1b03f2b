import {
  createLeafCertificate,
  tlsSecret,
} from '@kubecerts/backstage-plugin-certificates-backend-test-utils';
import {
  Answer,
  ReliabilityBackend,
  reliabilitySuite,
  rowDelta,
  sumPositive,
} from './__testUtils__/backend';
import {
  BadInput,
  BadInputContext,
  checkoutBody,
} from './__testUtils__/badInputCases';
import { casesPerEndpoint, EVERY_CASE } from './__testUtils__/badInputFamilies';
import { inventoryRow, paymentsCsr, requestIn } from './__testUtils__/requests';
import { CLUSTER } from './__testUtils__/world';

/*
 * Named bad inputs to every write endpoint. Each must be refused with a 4xx
 * that says why, with nothing written to any table, no call to the CA, no
 * write to a cluster, and the backend still answering afterwards.
 */

const { tally, databases } = reliabilitySuite('badInputs', 120_000);

function statusOk(expected: BadInput['status'], status: number) {
  if (expected === undefined) return status >= 400 && status < 500;
  return ([] as number[]).concat(expected).includes(status);
}

function messageOf(res: Answer): string {
  return String(res.body?.error?.message ?? res.text ?? '');
}

it('names at least 40 bad inputs for every write endpoint', () => {
  const counts = casesPerEndpoint(EVERY_CASE);
  expect(Object.keys(counts).sort()).toEqual([
    'bulk',
    'cancel',
    'decision',
    'renew',
    'revoke',
    'submit',
    'validate',
  ]);
  for (const [endpoint, count] of Object.entries(counts)) {
    expect({ endpoint, atLeast40: count >= 40 }).toEqual({
      endpoint,
      atLeast40: true,
    });
  }
});

describe.each(databases.eachSupportedId())('bad inputs on %p', databaseId => {
  let ctx: BadInputContext;

  beforeAll(async () => {
    const b = await ReliabilityBackend.start({
      knex: await databases.init(databaseId),
    });
    const issued = await b.post(
      'alice',
      '/requests',
      (
        await paymentsCsr()
      ).body,
    );
    const pending = await b.post('carol', '/requests', checkoutBody());
    // A certificate the portal never issued, whose common name is a spreadsheet formula.
    const formula = await createLeafCertificate({
      commonName: '=SUM(1)',
      dnsNames: ['formula.shop.example.com'],
    });
    b.sim.apply(
      tlsSecret({
        namespace: 'payments',
        name: 'discovered-tls',
        labels: { 'backstage.io/kubernetes-id': 'payments-api' },
        certPem: formula.chainPem,
        keyPem: formula.keyPem,
      }) as any,
    );
    const discovered = await inventoryRow(b, 'payments', 'discovered-tls');
    const issuedRequest = await requestIn(b, issued.body.id, ['issued']);
    ctx = {
      b,
      issuedId: issued.body.id,
      issuedCertificateId: issuedRequest.certificateId,
      pendingId: pending.body.id,
      discoveredId: discovered.id,
    };
    await b.settledRowCounts();
  });

  afterAll(async () => {
    await ctx?.b.stop();
  });

  // Counts after the previous case: a write that lands after a case's short
  // quiet period still shows up as a difference before the next one.
  let lastAfter: Record<string, number> | undefined;

  it.each(EVERY_CASE.map(c => [c.name, c] as const))(
    '%s',
    async (_name, input) => {
      const { b } = ctx;
      tally.add({ inputsTried: 1 });
      const before = await b.rowCounts();
      const late = rowDelta(lastAfter ?? before, before);
      const caCalls = b.caCalls.length;
      const clusterRequests = b.sim.requests().length;
      const logLines = b.logger.lines.length;
      const responses = b.responses.length;
      let res: Answer;
      try {
        res = await input.send(ctx);
      } catch (error) {
        tally.add({ crashes: 1 });
        throw error;
      }
      lastAfter = await b.settledRowCounts(25);
      const delta = rowDelta(before, lastAfter);
      const health = await b.get('alice', '/health');
      const message = messageOf(res);
      const crashed = res.status >= 500 || health.status !== 200;
      const refused =
        statusOk(input.status, res.status) &&
        res.status < 500 &&
        input.reason.test(message);
      tally.add({
        rowsWritten: sumPositive(delta) + sumPositive(late),
        crashes: crashed ? 1 : 0,
        rejected: refused ? 1 : 0,
      });

      const secret = input.secret?.();
      const said = [
        ...b.responses.slice(responses).map(r => r.text),
        ...b.logger.lines.slice(logLines).map(l => l.text),
      ];
      // One comparison, so that a failure shows everything that went wrong.
      expect({
        status: res.status,
        refusedAsExpected: refused,
        message,
        rowsWritten: delta,
        rowsWrittenAfterThePreviousCase: late,
        caCalls: b.caCalls.slice(caCalls),
        clusterWrites: b
          .clusterWritesSince(clusterRequests)
          .map(r => `${r.method} ${r.path}`),
        healthy: health.status === 200,
        secretRepeated: said.filter(text => !!secret && text.includes(secret)),
      }).toEqual({
        status: res.status,
        refusedAsExpected: true,
        message: expect.stringMatching(input.reason),
        rowsWritten: {},
        rowsWrittenAfterThePreviousCase: {},
        caCalls: [],
        clusterWrites: [],
        healthy: true,
        secretRepeated: [],
      });
    },
  );

  it('HTML in a justification is stored and returned as text, verbatim', async () => {
    const { b } = ctx;
    tally.add({ inputsTried: 1 });
    const html =
      '<img src=x onerror="alert(1)"><script>document.cookie</script>';
    const res = await b.post(
      'cody',
      '/requests',
      checkoutBody({
        justification: html,
        delivery: {
          kind: 'secret',
          cluster: CLUSTER,
          namespace: 'storefront',
          secretName: 'cody-html',
        },
      }),
    );
    expect(res.status).toBe(201);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body.justification).toBe(html);
    const read = await b.get('cody', `/requests/${res.body.id}`);
    expect(read.headers['content-type']).toMatch(/^application\/json/);
    expect(read.body.request.justification).toBe(html);
    tally.add({ rejected: 1 });
  });

  describe('filters with LIKE, SQL and formula metacharacters', () => {
    const total = (res: Answer) => res.body.totalCount;
    const items = (res: Answer) => res.body.items;
    // A formula cell must be neutralised: no cell may start with = + - @.
    const csv = (res: Answer) => ({
      escaped: res.text.includes("'=SUM(1)"),
      formulaCells: res.text
        .split(/\r\n/)
        .flatMap(line => line.split(','))
        .filter(cell => /^"?[=+\-@]/.test(cell)),
    });
    const filters: Array<[string, string, (res: Answer) => unknown, unknown]> =
      [
        ['q=%', '/certificates?q=%25', total, 0],
        ['q=_', '/certificates?q=_', total, 0],
        [
          "q=' OR '1'='1",
          `/certificates?q=${encodeURIComponent("' OR '1'='1")}`,
          total,
          0,
        ],
        ['q=\\', '/certificates?q=%5C', total, 0],
        ['namespace=%', '/certificates?namespace=%25', total, 0],
        ['entityRef=% on requests', '/requests?entityRef=%25', items, []],
        ['actor=% on the audit trail', '/audit?actor=%25', items, []],
        [
          'a formula in an exported common name',
          '/export.csv',
          csv,
          { escaped: true, formulaCells: [] },
        ],
      ];
    it.each(filters)('%s', async (_name, path, look, expected) => {
      const { b } = ctx;
      tally.add({ inputsTried: 1 });
      const res = await b.get('sam', path);
      if (res.status >= 500) tally.add({ crashes: 1 });
      expect(res.status).toBe(200);
      expect(look(res)).toEqual(expected);
      tally.add({ rejected: 1 });
    });
  });
});
