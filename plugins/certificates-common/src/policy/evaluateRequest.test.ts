import { Entity } from '@backstage/catalog-model';
import { CertificatePolicy } from '../policyTypes';
import { CertificateRequestInput, IssuerInfo } from '../types';
import { evaluateRequest, suggestDnsNames } from './evaluateRequest';
import { selectPolicy } from './selectPolicy';
import { matchesPattern } from './templates';

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'payments',
    namespace: 'default',
    annotations: { 'backstage.io/kubernetes-namespace': 'payments-prod' },
  },
  spec: { type: 'service', owner: 'team-a', system: 'shop' },
};

const policy: CertificatePolicy = {
  name: 'services',
  selector: { kind: ['Component'], owner: ['group:default/team-a'] },
  allowedDnsNames: ['{{entity.name}}.example.com', '*.{{entity.name}}.example.com'],
  autoApprove: { maxValidityDays: 30, deliveries: ['csr', 'secret'] },
};

const issuers: IssuerInfo[] = [
  { id: 'builtin', type: 'builtin', displayName: 'Built-in', supportsRevocation: true, deliveries: ['csr', 'secret'] },
  { id: 'cm', type: 'cert-manager', displayName: 'cm', supportsRevocation: false, deliveries: ['cert-manager'], cluster: 'prod' },
];

const input: CertificateRequestInput = {
  entityRef: 'component:default/payments',
  commonName: 'payments.example.com',
  dnsNames: ['payments.example.com', 'api.payments.example.com'],
  keyAlgorithm: 'ECDSA-P256',
  validityDays: 30,
  issuer: 'builtin',
  delivery: { kind: 'csr', csr: '-----BEGIN CERTIFICATE REQUEST-----' },
};

function evaluate(
  overrides: Partial<CertificateRequestInput>,
  p: CertificatePolicy | null = policy,
) {
  return evaluateRequest({ ...input, ...overrides }, {
    policy: p ?? undefined,
    entity,
    issuers,
    clusters: ['prod', 'dev'],
  });
}

describe('selectPolicy', () => {
  it('takes the first policy whose selector matches', () => {
    const other: CertificatePolicy = { name: 'other', selector: { owner: ['team-b'] }, allowedDnsNames: [] };
    const byNs: CertificatePolicy = { name: 'ns', selector: { namespace: ['edge'] }, allowedDnsNames: [] };
    expect(selectPolicy([other, policy], entity)?.name).toBe('services');
    expect(selectPolicy([byNs, policy], entity, { deliveryNamespace: 'edge' })?.name).toBe('ns');
    expect(selectPolicy([byNs, other], entity)).toBeUndefined();
    expect(
      selectPolicy([{ name: 's', selector: { system: ['shop'], type: ['service'] }, allowedDnsNames: [] }], entity)?.name,
    ).toBe('s');
  });
});

describe('matchesPattern', () => {
  it('matches * as exactly one label', () => {
    expect(matchesPattern('a.payments.example.com', '*.payments.example.com')).toBe(true);
    expect(matchesPattern('a.b.payments.example.com', '*.payments.example.com')).toBe(false);
    expect(matchesPattern('payments.example.com', '*.payments.example.com')).toBe(false);
    expect(matchesPattern('web-1.example.com', 'web-*.example.com')).toBe(true);
    expect(matchesPattern('web.example.com', 'web-*.example.com')).toBe(false);
  });
});

describe('evaluateRequest', () => {
  it('accepts a compliant request and auto-approves within the conditions', () => {
    expect(evaluate({})).toEqual({ ok: true, violations: [], policyName: 'services', autoApprove: true, pendingReason: undefined });
    const longer = evaluate({ validityDays: 60 });
    expect(longer.ok).toBe(true);
    expect(longer.autoApprove).toBe(false);
    expect(longer.pendingReason).toMatch(/60 days exceeds the 30 days/);
    expect(evaluate({}, { ...policy, autoApprove: undefined }).pendingReason).toBe(
      'Policy services requires approval',
    );
  });

  it('denies when no policy applies', () => {
    const result = evaluate({}, null);
    expect(result.ok).toBe(false);
    expect(result.violations).toEqual([
      { field: 'entityRef', reason: 'No certificate policy applies to component:default/payments' },
    ]);
  });

  it.each([
    [{ dnsNames: ['payments.example.com', 'evil.example.org'] }, 'dnsNames[1]', /not allowed by policy services/],
    [{ dnsNames: ['payments.example.com', 'a..b'] }, 'dnsNames[1]', /empty label/],
    [{ dnsNames: ['payments.example.com', '*.payments.example.com'] }, 'dnsNames[1]', /wildcard names are not allowed/],
    [{ commonName: 'other.example.com' }, 'commonName', /one of the DNS names/],
    [{ ipAddresses: ['10.0.0.1'] }, 'ipAddresses', /IP address SANs are not allowed/],
    [{ uris: ['spiffe://x/y'] }, 'uris', /URI SANs are not allowed/],
    [{ keyAlgorithm: 'RSA-8192' as any }, 'keyAlgorithm', /not allowed/],
    [{ validityDays: 91 }, 'validityDays', /exceeds the maximum of 90/],
    [{ validityDays: 0 }, 'validityDays', /at least 1/],
    [{ issuer: 'nope' }, 'issuer', /unknown issuer "nope"/],
    [{ delivery: { kind: 'csr' as const } }, 'delivery.csr', /CSR is required/],
    [{ delivery: { kind: 'secret' as const, cluster: 'x', namespace: 'payments-prod', secretName: 's' } }, 'delivery.cluster', /unknown cluster "x"/],
    [{ delivery: { kind: 'secret' as const, cluster: 'prod', namespace: 'other', secretName: 's' } }, 'delivery.namespace', /not allowed by policy services \(allowed: payments-prod\)/],
    [{ delivery: { kind: 'secret' as const, cluster: 'prod', namespace: 'Bad_NS', secretName: 's' } }, 'delivery.namespace', /lower-case/],
    [{ delivery: { kind: 'secret' as const, cluster: 'prod', namespace: 'payments-prod', secretName: 'Bad' } }, 'delivery.secretName', /Secret name/],
    [{ issuer: 'cm', delivery: { kind: 'cert-manager' as const, cluster: 'dev', namespace: 'payments-prod', secretName: 's' } }, 'delivery.cluster', /serves cluster prod only/],
    [{ issuer: 'cm' }, 'delivery.kind', /cannot deliver as csr/],
  ])('reports %p at %s', (overrides, field, reason) => {
    const result = evaluate(overrides as Partial<CertificateRequestInput>);
    expect(result.ok).toBe(false);
    expect(result.autoApprove).toBeUndefined();
    const violation = result.violations.find(v => v.field === field);
    expect(violation?.reason).toMatch(reason);
  });

  it('honours the policy options', () => {
    const open: CertificatePolicy = {
      ...policy,
      allowWildcards: true,
      allowedSanTypes: ['dns', 'ip'],
      keyAlgorithms: ['RSA-3072'],
      maxValidityDays: 365,
      allowedNamespaces: ['{{kubernetes.namespace}}', 'shared-*'],
      autoApprove: true,
    };
    const result = evaluate(
      {
        dnsNames: ['payments.example.com', '*.payments.example.com'],
        ipAddresses: ['10.0.0.1', '2001:db8::1'],
        keyAlgorithm: 'RSA-3072',
        validityDays: 365,
        delivery: { kind: 'secret', cluster: 'prod', namespace: 'shared-tls', secretName: 'payments-tls' },
      },
      open,
    );
    expect(result).toMatchObject({ ok: true, autoApprove: true });
    expect(evaluate({ ipAddresses: ['300.1.1.1'] }, open).violations[0]).toEqual({
      field: 'ipAddresses[0]',
      reason: '"300.1.1.1" is not an IP address',
    });
  });

  it('suggests the concrete names of the policy', () => {
    expect(suggestDnsNames(policy, entity)).toEqual(['payments.example.com']);
  });
});
