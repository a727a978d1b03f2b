import { DeliveryKind } from '../types';

/** A portal request, as far as the ownership of a delivery target goes. */
export interface TargetRequest {
  id: string;
  entityRef: string;
  /** The lineage's first request id, for a renewal. */
  renewalOf?: string;
  delivery: {
    kind: DeliveryKind;
    cluster?: string;
    namespace?: string;
    secretName?: string;
  };
}

/** The request being delivered; at submission it has no id yet. */
export type DeliveringRequest = Omit<TargetRequest, 'id'> & { id?: string };

/** An object found in the cluster where the portal is about to write. */
export interface TargetObject {
  name: string;
  /** The request id its portal label names (anyone could have set it). */
  requestIdLabel?: string;
  /**
   * The portal request that label names, as read from the portal's
   * database; undefined when there is no label or no such request.
   */
  labelledRequest?: TargetRequest;
}

/** A cert-manager Certificate found in the target's namespace. */
export interface TargetCertificate extends TargetObject {
  /** Its spec.secretName: the Secret cert-manager writes for it. */
  secretName?: string;
}

/** What the cluster holds at a delivery target. */
export interface DeliveryTargetFacts {
  /** The Secret at the target, when it exists. */
  secret?: TargetObject;
  /**
   * The cert-manager Certificates of the target's namespace that write the
   * target Secret or bear the name the portal gives its own Certificate
   * (the Secret's name).
   */
  certificates: TargetCertificate[];
}

export type DeliveryTargetVerdict =
  | { ok: true }
  | { ok: false; reason: string };

function sameText(a: string | undefined, b: string | undefined): boolean {
  return (
    !!a && !!b && a.toLocaleLowerCase('en-US') === b.toLocaleLowerCase('en-US')
  );
}

function lineageIdOf(request: {
  id?: string;
  renewalOf?: string;
}): string | undefined {
  return request.renewalOf ?? request.id;
}

function describeTarget(request: DeliveringRequest): string {
  const { cluster, namespace, secretName } = request.delivery;
  return `${namespace}/${secretName} in cluster ${cluster}`;
}

/**
 * Whether `found` is a request the portal delivered to exactly this target
 * for the same entity: only then was the object it labels written by the
 * portal for this entity. A label alone proves nothing, since anyone who
 * may write the object may set it.
 */
function deliveredHereFor(
  found: TargetRequest | undefined,
  request: DeliveringRequest,
): boolean {
  if (
    !found ||
    (found.delivery.kind !== 'secret' && found.delivery.kind !== 'cert-manager')
  ) {
    return false;
  }
  const [a, b] = [found.delivery, request.delivery];
  return (
    a.cluster === b.cluster &&
    a.namespace === b.namespace &&
    a.secretName === b.secretName &&
    sameText(found.entityRef, request.entityRef)
  );
}

function secretVerdict(
  request: DeliveringRequest,
  secret: TargetObject,
): DeliveryTargetVerdict {
  if (deliveredHereFor(secret.labelledRequest, request)) {
    return { ok: true };
  }
  const where = describeTarget(request);
  const why = !secret.requestIdLabel
    ? 'it carries no portal request label'
    : `its label names request ${secret.requestIdLabel}, which is not a portal request of ${request.entityRef} delivered to this Secret`;
  return {
    ok: false,
    reason: `Secret ${where} already exists and was not created by the portal (${why}); the portal never writes to it or points cert-manager at it`,
  };
}

function certificateVerdict(
  request: DeliveringRequest,
  certificate: TargetCertificate,
): DeliveryTargetVerdict {
  const lineage = lineageIdOf(request);
  const found = certificate.labelledRequest;
  // A Secret delivered directly would be overwritten by cert-manager: only a
  // cert-manager delivery of the same lineage continues a Certificate.
  const ours =
    request.delivery.kind === 'cert-manager' &&
    deliveredHereFor(found, request) &&
    found!.delivery.kind === 'cert-manager' &&
    !!lineage &&
    lineageIdOf(found!) === lineage &&
    certificate.name === request.delivery.secretName &&
    certificate.secretName === request.delivery.secretName;
  if (ours) {
    return { ok: true };
  }
  const { namespace, secretName, cluster } = request.delivery;
  const what =
    certificate.secretName === secretName
      ? `already writes Secret ${secretName}`
      : `already exists under the name the portal would give its own`;
  return {
    ok: false,
    reason: `cert-manager Certificate ${namespace}/${certificate.name} in cluster ${cluster} ${what} and is not this certificate's own; the portal leaves it untouched`,
  };
}

/**
 * May the portal deliver `request` to its target (write the Secret, or
 * create or update the cert-manager Certificate that writes it)? Only when
 * the target Secret does not exist or the portal proved it wrote it for the
 * same entity (a renewal re-uses its own Secret), and no cert-manager
 * Certificate writes that Secret but the portal's own of the same lineage.
 */
export function deliveryTargetVerdict(
  request: DeliveringRequest,
  facts: DeliveryTargetFacts,
): DeliveryTargetVerdict {
  if (facts.secret) {
    const verdict = secretVerdict(request, facts.secret);
    if (!verdict.ok) return verdict;
  }
  for (const certificate of facts.certificates) {
    const verdict = certificateVerdict(request, certificate);
    if (!verdict.ok) return verdict;
  }
  return { ok: true };
}
