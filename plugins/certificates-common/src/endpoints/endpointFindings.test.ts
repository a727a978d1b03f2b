import { endpointFindings } from './endpointFindings';

const leaf = {
  dnsNames: ['app.example.com'],
  ipAddresses: [],
  fingerprintSha256: 'aa',
  notBefore: '2026-11-01T00:00:00.000Z',
};
type Scan = Parameters<typeof endpointFindings>[0];
/** The kinds of finding for app.example.com:443 serving `leaf`, and `more`. */
const kinds = (more: Partial<Scan> = {}) =>
  endpointFindings({ host: 'app.example.com', port: 443, leaf, ...more }).map(
    f => f.kind,
  );

describe('endpointFindings', () => {
  it('finds nothing wrong with a matching, complete, current chain', () => {
    expect(kinds({ secret: { name: 'ns/app', ...leaf } })).toEqual([]);
  });

  it('reports a host the certificate does not cover', () => {
    const [finding] = endpointFindings({
      host: 'x.example.com',
      port: 443,
      leaf,
    });
    expect(finding.kind).toBe('hostname-mismatch');
    expect(finding.message).toContain('x.example.com');
    expect(finding.remedy).toBeTruthy();
  });

  it('reports a missing intermediate', () => {
    expect(kinds({ chainIncomplete: true })).toEqual(['chain-incomplete']);
  });

  it('reports a served certificate older than its Secret, not a newer one', () => {
    const newer = {
      name: 'ns/app',
      fingerprintSha256: 'bb',
      notBefore: '2026-12-01T00:00:00.000Z',
    };
    expect(kinds({ secret: newer })).toEqual(['served-outdated']);
    expect(
      kinds({ secret: { ...newer, notBefore: '2026-10-01T00:00:00.000Z' } }),
    ).toEqual([]);
  });

  it('reports an unreachable endpoint with the reason, and nothing else', () => {
    const findings = endpointFindings({
      host: 'app.example.com',
      port: 8443,
      error: { kind: 'refused', detail: 'ECONNREFUSED' },
    });
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      kind: 'endpoint-unreachable',
      message:
        'app.example.com:8443 could not be scanned: the connection was refused (ECONNREFUSED).',
    });
  });
});
