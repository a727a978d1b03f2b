import {
  AccessRule,
  KubernetesApiSimulator,
  KubernetesApiSimulatorOptions,
} from '@kubecerts/backstage-plugin-certificates-backend-test-utils';

/** A simulator whose cluster already has the namespaces deliveries write into. */
export async function simulatorWithNamespaces(
  names: string[] = ['payments'],
  options: KubernetesApiSimulatorOptions = {},
): Promise<KubernetesApiSimulator> {
  const simulator = await KubernetesApiSimulator.start(options);
  for (const name of names) {
    simulator.apply({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name },
    });
  }
  return simulator;
}

/** Every kind discovery reads except Secrets: a token that lacks only those. */
export const ALL_BUT_SECRETS: AccessRule[] = [
  {
    verbs: ['get', 'list', 'watch'],
    resources: [
      'ingresses',
      'certificates',
      'certificaterequests',
      'issuers',
      'clusterissuers',
      'gateways',
    ],
  },
];
