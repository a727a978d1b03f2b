import { ConflictError } from '@backstage/errors';
import { CertificateRequest } from '@kubecerts/backstage-plugin-certificates-common';
import { leafFingerprintOf } from '../pki';
import type { RequestStore } from '../requests/RequestStore';
import type { DeliveryContext } from './deliveryPorts';
import type { HeldLease } from './IssuanceLeases';
import type { IssuerRegistry } from './IssuerRegistry';
import { toIssueRequest } from './issuanceTypes';

function leaseLost(request: CertificateRequest): ConflictError {
  return new ConflictError(
    `Request ${request.id} is being issued elsewhere: its issuance lease was taken over`,
  );
}

/** Why a request has no delivery strategy here. */
export function unavailableDelivery(request: CertificateRequest): string {
  return ['csr', 'secret', 'cert-manager'].includes(request.delivery.kind)
    ? `Issuer ${request.issuer} or the cluster is not available`
    : `Unknown delivery ${String(request.delivery.kind)}`;
}

/**
 * What a strategy may use for one attempt under `lease`. Whatever it signs
 * or generates is recorded (its fingerprint) before it is written to a
 * cluster, so a retry recognises what it wrote; nothing goes on once the
 * lease was taken over.
 */
export function deliveryContext(
  deps: {
    store: Pick<RequestStore, 'recordSigned' | 'recordPendingKey'>;
    issuers: Pick<IssuerRegistry, 'getSigner' | 'getCertManagerIssuer'>;
  },
  attempt: { request: CertificateRequest; lease: HeldLease; csrPem?: string },
): DeliveryContext {
  const { request, lease } = attempt;
  const signer = deps.issuers.getSigner(request.issuer);
  return {
    signer,
    certManagerIssuer: deps.issuers.getCertManagerIssuer(request.issuer),
    csrPem: attempt.csrPem,
    signedFingerprint: lease.signedFingerprint,
    pendingKeyFingerprint: lease.pendingKeyFingerprint,
    async sign(csrPem) {
      if (!signer) throw new Error(`Issuer ${request.issuer} is not available`);
      const issued = await signer.issue(toIssueRequest(request, csrPem));
      const fingerprint = leafFingerprintOf(issued.chainPem);
      if (!fingerprint) {
        throw new Error(
          `Issuer ${request.issuer} answered request ${request.id} with no certificate`,
        );
      }
      if (
        !(await deps.store.recordSigned(request.id, lease.owner, fingerprint))
      ) {
        throw leaseLost(request);
      }
      return issued;
    },
    async recordPendingKey(fingerprint) {
      if (
        !(await deps.store.recordPendingKey(
          request.id,
          lease.owner,
          fingerprint,
        ))
      ) {
        throw leaseLost(request);
      }
      lease.pendingKeyFingerprint = fingerprint;
    },
  };
}
