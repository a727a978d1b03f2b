import {
  KubernetesApiSimulator,
  LeafCertificateOptions,
} from '@kubecerts/backstage-plugin-certificates-backend-test-utils';

export const DAY = 24 * 60 * 60 * 1000;
export const KUBERNETES_ID = 'backstage.io/kubernetes-id';

export type Validity =
  | 'valid'
  | 'expiring'
  | 'critical'
  | 'expired'
  | 'three-years';

export function window(
  now: number,
  validity: Validity,
): Pick<LeafCertificateOptions, 'notBefore' | 'notAfter'> {
  const span = {
    valid: [-30, 60],
    expiring: [-70, 20],
    critical: [-87, 3],
    expired: [-95, -5],
    'three-years': [-20, 3 * 365 - 20],
  }[validity];
  return {
    notBefore: new Date(now + span[0] * DAY),
    notAfter: new Date(now + span[1] * DAY),
  };
}

export const ready = (message: string, now: Date) => ({
  conditions: [
    {
      type: 'Ready',
      status: 'True',
      reason: 'Ready',
      message,
      lastTransitionTime: now.toISOString().replace(/\.\d+Z$/, 'Z'),
    },
  ],
});

export const owned = (id: string) => ({ labels: { [KUBERNETES_ID]: id } });

/**
 * An Ingress serving each [host, TLS Secret] pair, with the labels of the
 * entity `owner` when given.
 */
export function ingress(options: {
  namespace: string;
  name: string;
  owner?: string;
  className?: string;
  tls: Array<[host: string, secretName: string]>;
}) {
  const { namespace, name, owner, className, tls } = options;
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { namespace, name, ...(owner ? owned(owner) : {}) },
    spec: {
      ...(className ? { ingressClassName: className } : {}),
      tls: tls.map(([host, secretName]) => ({ hosts: [host], secretName })),
      rules: tls.map(([host]) => ({ host })),
    },
  };
}

/** Applies an object and records it in the summary. */
export type Put = (obj: Parameters<KubernetesApiSimulator['apply']>[0]) => void;
