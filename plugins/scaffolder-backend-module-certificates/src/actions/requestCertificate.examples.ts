import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/** A template's steps: the certificates:request step with `input`, then `more`. */
function steps(input: object, more: object[] = []): string {
  return yaml.stringify({
    steps: [
      {
        id: 'certificate',
        action: 'certificates:request',
        name: 'Request a certificate',
        input,
      },
      ...more,
    ],
  });
}

export const examples: TemplateExample[] = [
  {
    description:
      "Request a certificate written as a Secret into the entity's namespace",
    example: steps({
      entityRef: '${{ parameters.entityRef }}',
      dnsNames: ['payments-api.shop.example.com'],
      keyAlgorithm: 'ECDSA-P256',
      validityDays: 30,
      issuer: 'builtin',
      delivery: {
        kind: 'secret',
        cluster: 'demo',
        namespace: 'payments',
        secretName: 'payments-api-tls',
      },
    }),
  },
  {
    description:
      'Request a certificate for your own CSR; the chain is an output when issued at once',
    example: steps(
      {
        entityRef: 'component:default/payments-api',
        dnsNames: ['payments-api.shop.example.com'],
        delivery: { kind: 'csr', csr: '${{ parameters.csr }}' },
      },
      [
        {
          id: 'show',
          action: 'debug:log',
          input: { message: '${{ steps.certificate.output.chainPem }}' },
        },
      ],
    ),
  },
  {
    description: 'Let cert-manager in the cluster make the key',
    example: steps({
      entityRef: 'component:default/payments-api',
      dnsNames: ['payments-api.shop.example.com'],
      issuer: 'ClusterIssuer/internal-ca',
      delivery: {
        kind: 'cert-manager',
        cluster: 'prod',
        namespace: 'payments',
        secretName: 'payments-api-tls',
      },
    }),
  },
];
