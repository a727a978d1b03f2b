import { Entity } from '@backstage/catalog-model';
import { CertificatePolicy } from '../policyTypes';
import { CertificateRequestInput, IssuerInfo } from '../types';
import { evaluateRequest, suggestDnsNames } from './evaluateRequest';
import { componentEntity } from './__testUtils__/componentEntity';

// Catalog values are literal in policy templates (a kubernetes-namespace
// annotation of '*' once allowed delivery into kube-system).

const issuers: IssuerInfo[] = [
  {
    id: 'builtin',
    type: 'builtin',
    displayName: 'Built-in',
    supportsRevocation: true,
    deliveries: ['csr', 'secret'],
  },
];

const policy: CertificatePolicy = {
  name: 'services',
  allowedDnsNames: [
    '{{entity.name}}.example.com',
    '*.{{entity.name}}.example.com',
  ],
  autoApprove: true,
};

const entity = (name: string, kubernetesNamespace?: string) =>
  componentEntity({ name, namespace: 'default', kubernetesNamespace });

function secretDelivery(
  subject: Entity,
  namespace: string,
  overrides: Partial<CertificateRequestInput> = {},
  p: CertificatePolicy = policy,
) {
  return evaluateRequest(
    {
      entityRef: `component:default/${subject.metadata.name}`,
      commonName: 'web.example.com',
      dnsNames: ['web.example.com'],
      keyAlgorithm: 'ECDSA-P256',
      validityDays: 30,
      issuer: 'builtin',
      delivery: {
        kind: 'secret',
        cluster: 'prod',
        namespace,
        secretName: 'web-tls',
      },
      ...overrides,
    },
    {
      policy: p,
      entity: subject,
      issuers,
      clusters: ['prod'],
      requesterIsOwner: true,
    },
  );
}

describe('evaluateRequest with catalog values in templates', () => {
  it('delivers into the annotated namespace when it is a namespace name', () => {
    expect(secretDelivery(entity('web', 'web-prod'), 'web-prod')).toMatchObject(
      {
        ok: true,
        violations: [],
      },
    );
  });

  it.each(['*', 'kube-*', 'a.b', '..', '', '{{'])(
    'refuses delivery into kube-system for the annotation %p, saying why',
    annotation => {
      const result = secretDelivery(entity('web', annotation), 'kube-system');
      expect(result.ok).toBe(false);
      const violation = result.violations.find(
        v => v.field === 'delivery.namespace',
      );
      expect(violation?.reason).toContain(
        'namespace kube-system is not allowed by policy services',
      );
      expect(violation?.reason).toContain(
        `the entity's backstage.io/kubernetes-namespace annotation '${annotation}' is not a valid namespace name`,
      );
    },
  );

  it('refuses every namespace when the only allowed one comes from a bad annotation', () => {
    for (const namespace of ['kube-system', 'default', 'web', 'kube-public']) {
      expect(secretDelivery(entity('web', 'kube-*'), namespace).ok).toBe(false);
    }
  });

  it('still allows the configured namespaces next to a bad annotation', () => {
    const withShared = {
      ...policy,
      allowedNamespaces: ['{{kubernetes.namespace}}', 'shared-tls'],
    };
    expect(
      secretDelivery(entity('web', '*'), 'shared-tls', {}, withShared).ok,
    ).toBe(true);
    const refused = secretDelivery(
      entity('web', '*'),
      'kube-system',
      {},
      withShared,
    );
    expect(refused.violations).toEqual([
      {
        field: 'delivery.namespace',
        reason: expect.stringMatching(
          /^namespace kube-system is not allowed by policy services \(allowed: shared-tls\); the entity's backstage\.io\/kubernetes-namespace annotation '\*' is not a valid namespace name/,
        ),
      },
    ]);
  });

  it('refuses DNS names when the entity name is not a DNS label, saying why', () => {
    const dotted = entity('api.example.com.evil');
    const result = secretDelivery(dotted, 'default', {
      commonName: 'api.example.com.evil.example.com',
      dnsNames: ['api.example.com.evil.example.com'],
    });
    expect(
      result.violations.find(v => v.field === 'dnsNames[0]')?.reason,
    ).toMatch(
      /is not allowed by policy services \(allowed: none\); the entity's name 'api\.example\.com\.evil' is not a valid DNS label/,
    );
    expect(suggestDnsNames(policy, dotted)).toEqual([]);
  });
});
