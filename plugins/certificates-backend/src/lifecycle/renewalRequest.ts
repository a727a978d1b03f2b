import { ConflictError } from '@backstage/errors';
import {
  CertificateRequest,
  deliveryOf,
  lineageOf,
} from '@kubecerts/backstage-plugin-certificates-common';
import { AuditLog } from '../audit';
import { RequestStore } from '../requests/RequestStore';
import { LifecycleCaller, RenewalSubmitter } from './types';

/** What submitting a renewal needs. */
export interface RenewalDeps {
  requests: Pick<RequestStore, 'getCsrPem'>;
  submitter: RenewalSubmitter;
  audit: Pick<AuditLog, 'record'>;
}

/**
 * A renewal request for `original` (same entity, names, key type,
 * validity, issuer and delivery; a csr request's own CSR), submitted as
 * `caller`, and its `renewed` audit record.
 */
export async function submitRenewal(
  deps: RenewalDeps,
  original: CertificateRequest,
  caller: LifecycleCaller,
  certificateId?: string,
): Promise<CertificateRequest> {
  const csr =
    original.delivery.kind === 'csr'
      ? await deps.requests.getCsrPem(original.id)
      : undefined;
  if (original.delivery.kind === 'csr' && !csr) {
    throw new ConflictError(
      `Request ${original.id} kept no CSR to renew with; submit a new request.`,
    );
  }
  const { request, result } = await submitOnce(
    deps.submitter,
    {
      entityRef: original.entityRef,
      commonName: original.commonName,
      dnsNames: original.dnsNames,
      ipAddresses: original.ipAddresses,
      uris: original.uris,
      keyAlgorithm: original.keyAlgorithm,
      validityDays: original.validityDays,
      issuer: original.issuer,
      clientAuth: original.clientAuth,
      justification: `Renewal of ${original.id}`,
      delivery: deliveryOf(original.delivery, csr),
    },
    caller,
    { renewalOf: lineageOf(original) },
  );
  if (!request) {
    throw new ConflictError(
      `The policy no longer allows this certificate, renew it with a new request: ${result.violations
        .map(v => `${v.field}: ${v.reason}`)
        .join('; ')}`,
    );
  }
  await deps.audit.record({
    actor: caller.userEntityRef,
    action: 'renewed',
    requestId: original.id,
    certificateId: certificateId ?? original.certificateId,
    entityRef: original.entityRef,
    outcome: 'success',
    detail: `renewal request ${request.id} (${request.state})`,
  });
  return request;
}

/** Submission, with a second open renewal of a lineage (the database's unique index) as a 409. */
async function submitOnce(
  submitter: RenewalSubmitter,
  ...args: Parameters<RenewalSubmitter['submit']>
): ReturnType<RenewalSubmitter['submit']> {
  try {
    return await submitter.submit(...args);
  } catch (error) {
    const code = (error as { code?: string })?.code;
    if (code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE') {
      throw new ConflictError(
        'A renewal of this certificate is already under way.',
      );
    }
    throw error;
  }
}
