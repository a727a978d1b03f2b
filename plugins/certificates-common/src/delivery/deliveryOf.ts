import { Delivery } from '../types';

/**
 * The delivery a stored request is checked again and renewed with: a `csr`
 * request's own CSR and no cluster location (a CSR is downloaded, never
 * written anywhere; requests stored before that rule may still carry one,
 * which would now be refused), a cluster delivery's target as stored.
 */
export function deliveryOf(
  stored: Omit<Delivery, 'csr'>,
  csr: string | undefined,
): Delivery {
  if (stored.kind === 'csr') {
    return { kind: 'csr', csr };
  }
  return {
    kind: stored.kind,
    cluster: stored.cluster,
    namespace: stored.namespace,
    secretName: stored.secretName,
  };
}
