import { Entity } from '@backstage/catalog-model';
import { CertificatePolicy } from '../policyTypes';
import { CertificateRequestInput, IssuerInfo } from '../types';
import {
  entityOwnerRef,
  evaluateRequest,
  isEntityOwnedBy,
  renewalSubmissionVerdict,
  suggestDnsNames,
} from './evaluateRequest';
import { selectPolicy } from './selectPolicy';
import { matchesPattern } from './templates';
import { componentEntity } from './__testUtils__/componentEntity';

const entity = componentEntity({
  name: 'payments',
  namespace: 'default',
  kubernetesNamespace: 'payments-prod',
  spec: { system: 'shop' },
});

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
  requester: { requesterIsOwner: boolean; requester?: string } = { requesterIsOwner: true },
) {
  return evaluateRequest({ ...input, ...overrides }, {
    policy: p ?? undefined,
    entity,
    issuers,
    clusters: ['prod', 'dev'],
    ...requester,
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
    expect(evaluate({})).toEqual({
      ok: true,
      violations: [],
      policyName: 'services',
      autoApprove: true,
      pendingReason: undefined,
      requesterIsOwner: true,
    });
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
    [{ delivery: { kind: 'csr' as const, csr: input.delivery.csr, cluster: 'prod' } }, 'delivery.cluster', /csr delivery is downloaded, not written to a cluster: leave out cluster/],
    [{ delivery: { kind: 'csr' as const, csr: input.delivery.csr, namespace: 'payments-prod' } }, 'delivery.namespace', /leave out namespace/],
    [{ delivery: { kind: 'csr' as const, csr: input.delivery.csr, secretName: 'payments-tls' } }, 'delivery.secretName', /leave out secretName/],
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

  it('names no delivery namespace when no policy applies to a csr request', () => {
    const result = evaluate(
      { delivery: { kind: 'csr', csr: input.delivery.csr, namespace: 'kube-system' } },
      null,
    );
    expect(result.violations).toEqual([
      { field: 'entityRef', reason: 'No certificate policy applies to component:default/payments' },
    ]);
  });

  it('suggests the concrete names of the policy', () => {
    expect(suggestDnsNames(policy, entity)).toEqual(['payments.example.com']);
  });
});

describe('who may be approved automatically', () => {
  const carol = { requesterIsOwner: false, requester: 'user:default/carol' };

  it("queues a non-owner's request the policy would approve, saying why", () => {
    expect(evaluate({}, policy, carol)).toEqual({
      ok: true,
      violations: [],
      policyName: 'services',
      autoApprove: false,
      pendingReason:
        'requested by user:default/carol, who is not an owner of component:default/payments (owner group:default/team-a)',
      requesterIsOwner: false,
    });
    const always = evaluate({}, { ...policy, autoApprove: true }, carol);
    expect(always).toMatchObject({ ok: true, autoApprove: false, requesterIsOwner: false });
  });

  it("keeps the policy's own reason when it would queue an owner's request too", () => {
    expect(evaluate({ validityDays: 60 }, policy, carol)).toMatchObject({
      autoApprove: false,
      pendingReason: expect.stringMatching(/60 days exceeds the 30 days/),
      requesterIsOwner: false,
    });
  });

  it('judges a non-owner by the same rules: violations stay violations', () => {
    const result = evaluate({ validityDays: 91 }, policy, carol);
    expect(result.ok).toBe(false);
    expect(result.autoApprove).toBeUndefined();
  });

  it('names an entity without an owner', () => {
    const ownerless: Entity = { ...entity, spec: { type: 'service' } };
    const result = evaluateRequest(input, {
      policy,
      entity: ownerless,
      issuers,
      clusters: [],
      requesterIsOwner: false,
    });
    expect(result.pendingReason).toBe(
      'requested by someone, who is not an owner of component:default/payments (it has no owner)',
    );
  });
});

describe('entityOwnerRef and isEntityOwnedBy', () => {
  const owned = (owner: unknown, namespace = 'default'): Entity => ({
    ...entity,
    metadata: { ...entity.metadata, namespace },
    spec: { ...entity.spec, owner } as Entity['spec'],
  });

  it("reads spec.owner as a full ref: kind group and the entity's namespace by default", () => {
    expect(entityOwnerRef(owned('team-a'))).toBe('group:default/team-a');
    expect(entityOwnerRef(owned('payments', 'shop'))).toBe('group:shop/payments');
    expect(entityOwnerRef(owned('user:alice', 'shop'))).toBe('user:shop/alice');
    expect(entityOwnerRef(owned('group:other/payments', 'shop'))).toBe('group:other/payments');
    expect(entityOwnerRef(owned(undefined))).toBeUndefined();
    expect(entityOwnerRef(owned(42))).toBeUndefined();
    expect(entityOwnerRef(owned(''))).toBeUndefined();
  });

  it('compares full refs, case-insensitively', () => {
    expect(isEntityOwnedBy(['user:default/alice', 'group:default/team-a'], owned('team-a'))).toBe(true);
    expect(isEntityOwnedBy(['GROUP:default/Team-A'], owned('team-a'))).toBe(true);
    expect(isEntityOwnedBy(['user:shop/alice'], owned('user:alice', 'shop'))).toBe(true);
    // Same name, other namespace or kind: not the owner.
    expect(isEntityOwnedBy(['group:default/payments'], owned('payments', 'shop'))).toBe(false);
    expect(isEntityOwnedBy(['user:default/team-a'], owned('team-a'))).toBe(false);
    // A bare name is no claim.
    expect(isEntityOwnedBy(['team-a'], owned('team-a'))).toBe(false);
    expect(isEntityOwnedBy([], owned('team-a'))).toBe(false);
    expect(isEntityOwnedBy(['group:default/team-a'], owned(undefined))).toBe(false);
  });
});

describe('renewalSubmissionVerdict', () => {
  const queued = evaluate({ validityDays: 60 }, policy, { requesterIsOwner: false, requester: 'user:default/carol' });
  const notOwner = evaluate({}, policy, { requesterIsOwner: false, requester: 'user:default/carol' });

  it("lets an owner's and the plugin's automatic renewal through without approval", () => {
    for (const by of [
      { requesterIsOwner: true, automatic: false },
      { requesterIsOwner: false, automatic: true },
    ]) {
      expect(renewalSubmissionVerdict(queued, by)).toMatchObject({ autoApprove: true, pendingReason: undefined });
      expect(renewalSubmissionVerdict(notOwner, by)).toMatchObject({ autoApprove: true, pendingReason: undefined });
    }
  });

  it("queues a renewal asked by someone who is not an owner, like any request", () => {
    const by = { requesterIsOwner: false, automatic: false };
    expect(renewalSubmissionVerdict(notOwner, by)).toBe(notOwner);
    expect(renewalSubmissionVerdict(notOwner, by).pendingReason).toMatch(/who is not an owner/);
    expect(renewalSubmissionVerdict(queued, by)).toBe(queued);
  });

  it('never approves what the policy refuses', () => {
    const refused = evaluate({ validityDays: 91 });
    expect(renewalSubmissionVerdict(refused, { requesterIsOwner: true, automatic: true })).toBe(refused);
  });
});
