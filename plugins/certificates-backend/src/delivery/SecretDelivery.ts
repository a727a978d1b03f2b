import { ConflictError } from '@backstage/errors';
import { CertificateRequest } from '@kubecerts/backstage-plugin-certificates-common';
import {
  CoreV1Api,
  PatchStrategy,
  setHeaderOptions,
  V1Secret,
} from '@kubernetes/client-node';
import type {
  DeliveryContext,
  DeliveryOutcome,
  DeliveryStrategy,
  FollowContext,
  Prepared,
} from '../issuing/deliveryPorts';
import { leafFingerprintOf } from '../pki';
import { ClusterTarget, describeChain, labelsFor } from './clusterTarget';
import { csrForKey } from './keyAndCsr';
import { orUndefinedOn404, statusCode } from './kubeErrors';
import { readOwnName, REQUEST_ID_LABEL } from './labels';
import { deletePendingKey, readOrCreatePendingKey } from './pendingKeys';

/**
 * `secret` delivery: a `kubernetes.io/tls` Secret with a key the backend
 * generates, so that a restart at any step loses nothing and the database
 * never holds the key:
 * 1. the key is first written to the cluster, in a pending-key Secret next
 *    to the target, its public key's fingerprint recorded in the database
 *    (cert-manager keeps its "next private key" the same way); a resumed
 *    attempt reads it back and uses it only if it is that key;
 * 2. `sign` certifies it and records the leaf's fingerprint; the request id
 *    is the CA's idempotency key;
 * 3. the target Secret is written (created, or updated when the portal
 *    wrote it for the same entity);
 * 4. the pending-key Secret is deleted.
 * A target Secret the portal cannot prove it wrote is a conflict, found
 * before anything is written, and is never touched. An attempt that finds
 * the Secret it wrote itself (this request's label and the certificate
 * whose fingerprint was recorded when the CA signed it) counts it as
 * delivered (`follow`).
 */
export class SecretDelivery implements DeliveryStrategy {
  readonly kind = 'secret' as const;

  static create(options: { target: ClusterTarget }): SecretDelivery {
    return new SecretDelivery(options.target);
  }

  private constructor(private readonly target: ClusterTarget) {}

  private api(request: CertificateRequest): CoreV1Api {
    return this.target.kubeConfig(request).makeApiClient(CoreV1Api);
  }

  async follow(
    request: CertificateRequest,
    context: FollowContext,
  ): Promise<DeliveryOutcome> {
    const { namespace, name } = this.target.of(request);
    const existing = await orUndefinedOn404(() =>
      this.api(request).readNamespacedSecret({ name, namespace }),
    );
    const delivered = deliveredBefore(
      existing,
      request,
      context.signedFingerprint,
    );
    if (!delivered) {
      return {
        state: 'undelivered',
        reason: `Secret ${namespace}/${name} does not hold its certificate yet`,
      };
    }
    // Written before a restart interrupted the bookkeeping.
    await this.discard(request, context).catch(() => undefined);
    return { state: 'issued', certificate: delivered };
  }

  async deliver(
    request: CertificateRequest,
    context: DeliveryContext,
  ): Promise<DeliveryOutcome> {
    if (!context.signer) {
      return {
        state: 'failed',
        reason: `Issuer ${request.issuer} or the cluster is not available`,
      };
    }
    const followed = await this.follow(request, context);
    if (followed.state === 'issued') {
      return followed;
    }
    const api = this.api(request);
    const { namespace, name } = this.target.of(request);
    const existing = await orUndefinedOn404(() =>
      api.readNamespacedSecret({ name, namespace }),
    );
    await this.target.assertOurs(request);

    const pending = await readOrCreatePendingKey(
      api,
      request,
      { namespace, name },
      {
        recorded: context.pendingKeyFingerprint,
        record: fp => context.recordPendingKey(fp),
      },
    );
    let privateKeyPem: string | undefined = pending.privateKeyPem;
    try {
      const csrPem = await csrForKey({
        privateKeyPem,
        keyAlgorithm: request.keyAlgorithm,
        commonName: request.commonName,
        dnsNames: request.dnsNames,
      });
      const issued = await context.sign(csrPem);
      const body: V1Secret = {
        apiVersion: 'v1',
        kind: 'Secret',
        type: 'kubernetes.io/tls',
        metadata: {
          name,
          namespace,
          labels: labelsFor(request),
          ...(existing
            ? { resourceVersion: existing.metadata?.resourceVersion }
            : {}),
        },
        data: {
          'tls.crt': Buffer.from(issued.chainPem).toString('base64'),
          'tls.key': Buffer.from(privateKeyPem).toString('base64'),
        },
      };
      try {
        if (existing) {
          await api.patchNamespacedSecret(
            { name, namespace, body },
            setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
          );
        } else {
          await api.createNamespacedSecret({ namespace, body });
        }
      } catch (error) {
        if (statusCode(error) === 409) {
          throw new ConflictError(
            `Secret ${namespace}/${name} changed while it was being written`,
          );
        }
        if (statusCode(error) === 404) {
          throw new Error(
            `Namespace ${namespace} does not exist in cluster ${request.delivery.cluster}`,
          );
        }
        throw error;
      }
      // The target holds the key now; a leftover pending key is harmless
      // (a resumed attempt finds the target delivered and removes it).
      await this.discard(request, {
        pendingKeyFingerprint: pending.fingerprint,
      }).catch(() => undefined);
      return { state: 'issued', certificate: issued };
    } finally {
      // The key exists only in this scope and in the cluster: drop every reference to it.
      privateKeyPem = undefined;
    }
  }

  /**
   * Deletes a request's pending-key Secret, if any (once the key is in the
   * target Secret, or when the request ended without a certificate).
   */
  async discard(
    request: CertificateRequest,
    prepared: Prepared,
  ): Promise<void> {
    if (!request.delivery.namespace) return;
    await deletePendingKey(
      this.api(request),
      request,
      request.delivery.namespace,
      prepared.pendingKeyFingerprint,
    );
  }
}

/**
 * The certificate in `existing` when it is the one the CA signed for this
 * request and the Secret bears this request's label.
 */
function deliveredBefore(
  existing: V1Secret | undefined,
  request: CertificateRequest,
  signedFingerprint: string | undefined,
) {
  const crt = existing?.data?.['tls.crt'];
  if (
    !crt ||
    !signedFingerprint ||
    readOwnName(existing?.metadata?.labels, REQUEST_ID_LABEL) !== request.id
  ) {
    return undefined;
  }
  const chainPem = Buffer.from(crt, 'base64').toString('utf8');
  try {
    return leafFingerprintOf(chainPem) === signedFingerprint
      ? describeChain(chainPem)
      : undefined;
  } catch {
    return undefined;
  }
}
