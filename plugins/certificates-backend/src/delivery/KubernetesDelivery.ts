import type { DeliveryStrategies } from '../issuing/deliveryPorts';
import { CertManagerDelivery } from './CertManagerDelivery';
import { ClusterTarget } from './clusterTarget';
import {
  ClusterLookup,
  DeliveryTargetCheck,
  RequestLookup,
} from './DeliveryTargetCheck';
import { SecretDelivery } from './SecretDelivery';

export {
  KUBERNETES_ID_LABEL,
  LINEAGE_LABEL,
  PENDING_KEY_FOR_ANNOTATION,
  PENDING_KEY_LABEL,
  REQUEST_ID_LABEL,
} from './labels';
export { pendingKeySecretName } from './pendingKeys';
export type { ClusterLookup, RequestLookup } from './DeliveryTargetCheck';

export interface KubernetesDeliveryOptions {
  clusters: ClusterLookup;
  /** The portal's requests, which prove what the portal wrote. */
  requests: RequestLookup;
  /** How long the check of a target may take at submission; default 3 s. */
  validationTimeoutMs?: number;
}

/**
 * Delivery into clusters: the `secret` and `cert-manager` strategies, and
 * the check of their targets. The portal writes to a Secret (or points
 * cert-manager at it) only when it proves it created that Secret for the
 * same entity, and never takes over another's cert-manager Certificate
 * (`deliveryTargetVerdict`), checked again right before anything is written.
 */
export class KubernetesDelivery {
  /** Judges a delivery target; also at submission, for the form's verdict. */
  readonly targets: DeliveryTargetCheck;
  /** For IssuanceService's `deliveries`. */
  readonly strategies: Required<
    Pick<DeliveryStrategies, 'secret' | 'cert-manager'>
  >;

  static create(options: KubernetesDeliveryOptions): KubernetesDelivery {
    return new KubernetesDelivery(options);
  }

  private constructor(options: KubernetesDeliveryOptions) {
    this.targets = DeliveryTargetCheck.create(options);
    const target = new ClusterTarget(options.clusters, this.targets);
    this.strategies = {
      secret: SecretDelivery.create({ target }),
      'cert-manager': CertManagerDelivery.create({ target }),
    };
  }
}
