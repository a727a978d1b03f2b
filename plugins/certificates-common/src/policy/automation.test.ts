import { CertificatePolicy } from '../policyTypes';
import { CertificateRequestInput } from '../types';
import { automationVerdict } from './automation';
import { evaluateRequest } from './evaluateRequest';
import { componentEntity } from './__testUtils__/componentEntity';

const entity = componentEntity({ name: 'payments', namespace: 'default' });

const input: CertificateRequestInput = {
  entityRef: 'component:default/payments',
  dnsNames: ['payments.example.com'],
  keyAlgorithm: 'ECDSA-P256',
  validityDays: 30,
  issuer: 'builtin',
  delivery: { kind: 'csr', csr: '-----BEGIN CERTIFICATE REQUEST-----' },
};

const base: CertificatePolicy = {
  name: 'services',
  allowedDnsNames: ['{{entity.name}}.example.com'],
  autoApprove: true,
};

/** The verdict for `requester`; a service is also named as one. */
function evaluateAs(
  policy: CertificatePolicy,
  requester: { requester: string; service?: string },
) {
  return evaluateRequest(input, {
    policy,
    entity,
    issuers: [
      {
        id: 'builtin',
        type: 'builtin',
        displayName: 'Built-in',
        supportsRevocation: true,
        deliveries: ['csr'],
      },
    ],
    clusters: [],
    requesterIsOwner: false,
    ...requester,
  });
}

function asService(policy: CertificatePolicy, service = 'external:ci-bot') {
  return evaluateAs(policy, { requester: service, service });
}

describe('automationVerdict', () => {
  it('admits no service without an automation block', () => {
    expect(automationVerdict(base, 'external:ci-bot')).toEqual({
      allowed: false,
      reason: expect.stringContaining('not in automation.allowedServices'),
    });
  });

  it('compares subjects exactly', () => {
    const policy = {
      ...base,
      automation: { allowedServices: ['external:ci-bot'] },
    };
    expect(automationVerdict(policy, 'external:ci-bot-2').allowed).toBe(false);
    expect(automationVerdict(policy, 'EXTERNAL:CI-BOT').allowed).toBe(false);
    expect(automationVerdict(policy, 'external:ci-bot')).toEqual({
      allowed: true,
      autoApprove: false,
      pendingReason: expect.stringContaining('approved by people'),
    });
  });

  it('spares the review only on an explicit autoApprove: true', () => {
    const policy = {
      ...base,
      automation: { allowedServices: ['external:ci-bot'], autoApprove: true },
    };
    expect(automationVerdict(policy, 'external:ci-bot')).toEqual({
      allowed: true,
      autoApprove: true,
    });
  });
});

describe('evaluateRequest for a service', () => {
  it('refuses a service the policy does not list, with the reason', () => {
    const result = asService(base);
    expect(result.ok).toBe(false);
    expect(result.violations).toEqual([
      {
        field: 'entityRef',
        reason: expect.stringContaining(
          'service external:ci-bot may not request',
        ),
      },
    ]);
  });

  it('queues a listed service even where owners are approved at once', () => {
    const result = asService({
      ...base,
      automation: { allowedServices: ['external:ci-bot'] },
    });
    expect(result).toMatchObject({
      ok: true,
      autoApprove: false,
      requesterIsOwner: false,
    });
    expect(result.pendingReason).toContain(
      'requested by service external:ci-bot',
    );
  });

  it('approves at once only when the policy and its automation both say so', () => {
    const automation = {
      allowedServices: ['external:ci-bot'],
      autoApprove: true,
    };
    expect(asService({ ...base, automation }).autoApprove).toBe(true);
    const reviewed = asService({ ...base, autoApprove: false, automation });
    expect(reviewed).toMatchObject({ ok: true, autoApprove: false });
    expect(reviewed.pendingReason).toBe('Policy services requires approval');
  });

  it('leaves users to the owner rule', () => {
    const result = evaluateAs(
      {
        ...base,
        automation: { allowedServices: ['external:ci-bot'], autoApprove: true },
      },
      { requester: 'user:default/carol' },
    );
    expect(result).toMatchObject({ ok: true, autoApprove: false });
    expect(result.pendingReason).toContain('not an owner');
  });
});
