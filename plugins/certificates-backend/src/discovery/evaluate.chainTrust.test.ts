import {
  buildEntityOwnershipIndex,
  DEFAULT_HEALTH_THRESHOLDS,
} from '@kubecerts/backstage-plugin-certificates-common';
import { issue, server } from '../pki/path/__testUtils__/chainPki';
import { secretData } from '../inventory/parsing/testPki';
import { ParsedTlsCache, TrustStore } from '../inventory/parsing';
import { EvaluationContext, reevaluateRow, rowFromSecret } from './evaluate';

const DAY = 24 * 60 * 60 * 1000;

describe('chain trust over time', () => {
  it('turns a stored row untrusted when its intermediate expires, without parsing again', async () => {
    const root = await issue({ name: 'Root', ca: true });
    const inter = await issue({
      name: 'Short Lived CA',
      ca: true,
      issuer: root,
      notAfterDays: 10,
    });
    const leaf = await server(inter, { notAfterDays: 60 });
    const trust = TrustStore.fromPems([root.pem]);
    const cache = new ParsedTlsCache(trust);
    let now = new Date();
    const ctx: EvaluationContext = {
      trust,
      parse: data => cache.parse(data),
      thresholds: DEFAULT_HEALTH_THRESHOLDS,
      approvedIssuers: [],
      entities: buildEntityOwnershipIndex([]),
      namespaceMappings: [],
      now: () => now,
    };
    const secret = {
      metadata: { name: 'tls', namespace: 'web' },
      data: secretData(leaf.pem + inter.pem),
    };
    const row = rowFromSecret('c1', secret, { ingressLabels: [] }, ctx);
    expect(row.findings).toEqual(['unowned']);
    // As stored: the details go through JSON.
    const stored = JSON.parse(JSON.stringify(row));

    now = new Date(Date.now() + 11 * DAY);
    const later = reevaluateRow(stored, { ingressLabels: [] }, ctx);
    expect(later?.findings).toEqual(['untrusted-chain', 'unowned']);
    expect(later?.details.findingDetails[0].message).toMatch(
      /'Short Lived CA' expired on/,
    );
    expect(cache.misses).toBe(1);
  });
});
