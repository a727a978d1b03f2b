import { PermissionsService } from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import { KubernetesApiSimulator } from '@kubecerts/backstage-plugin-certificates-backend-test-utils';
import { CertificateDetails } from '@kubecerts/backstage-plugin-certificates-common';
import { Knex } from 'knex';
import { simulatedRegistry } from '../../__testUtils__/discovery';
import { LifecycleService } from '../LifecycleService';

const none = async () => undefined;

/**
 * A lifecycle that knows one discovered row and no portal request, signer
 * or submission, on the simulated cluster `prod` (read with `token`): only
 * renewal through cert-manager can act. The row's Secret is written by a
 * Ready cert-manager Certificate of the ClusterIssuer `corp`, applied first.
 * Audit records are collected in `records`.
 */
export function certManagerOnlyLifecycle(options: {
  sim: KubernetesApiSimulator;
  token?: string;
  row: CertificateDetails;
  certificate: {
    name: string;
    labels?: Record<string, string>;
    dnsNames?: string[];
  };
  permissions: PermissionsService;
}) {
  const { sim, row, certificate } = options;
  sim.apply({
    apiVersion: 'cert-manager.io/v1',
    kind: 'Certificate',
    metadata: {
      namespace: row.namespace,
      name: certificate.name,
      ...(certificate.labels ? { labels: certificate.labels } : {}),
    },
    spec: {
      secretName: row.secretName,
      issuerRef: { name: 'corp', kind: 'ClusterIssuer' },
      ...(certificate.dnsNames ? { dnsNames: certificate.dnsNames } : {}),
    },
    status: {
      conditions: [{ type: 'Ready', status: 'True', reason: 'Ready' }],
    },
  });
  const records: Array<Record<string, unknown>> = [];
  const lifecycle = LifecycleService.create({
    knex: undefined as unknown as Knex,
    inventory: {
      getCertificate: async id => (id === row.id ? row : undefined),
    },
    requests: {
      get: none,
      getChainPem: none,
      getCsrPem: none,
      recordRevocation: none,
      findOpenRenewal: none,
      findNewerInLineage: none,
      pagesByState: async function* empty() {},
    },
    issuers: { getSigner: () => undefined },
    submitter: {
      submit: async () => ({ result: { ok: false, violations: [] } }),
    },
    clusters: simulatedRegistry({ prod: sim.kubeConfig(options.token) }),
    permissions: options.permissions,
    audit: {
      record: async (r: Record<string, unknown>) => records.push(r),
      list: async () => ({ items: [] }),
    } as any,
    logger: mockServices.logger.mock(),
  });
  return { lifecycle, records };
}
