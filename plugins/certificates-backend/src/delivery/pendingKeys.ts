import { ConflictError } from '@backstage/errors';
import { parseEntityRef } from '@backstage/catalog-model';
import { CertificateRequest } from '@kubecerts/backstage-plugin-certificates-common';
import { CoreV1Api, V1Secret } from '@kubernetes/client-node';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { publicKeyFingerprint } from './clusterTarget';
import { generateKeyAndCsr } from './keyAndCsr';
import { orUndefinedOn404, statusCode } from './kubeErrors';
import {
  KUBERNETES_ID_LABEL,
  PENDING_KEY_FOR_ANNOTATION,
  PENDING_KEY_LABEL,
  readOwnName,
} from './labels';

const PENDING_KEY_FIELD = 'tls.key';

/** Where a request's key waits until its Secret is written. */
export function pendingKeySecretName(
  request: Pick<CertificateRequest, 'id'>,
): string {
  return `certificates-pending-key-${request.id}`.toLowerCase();
}

/** SHA-256 (hex) of a PEM private key's public key; undefined when it is no key. */
function publicFingerprintOf(privateKeyPem: string): string | undefined {
  try {
    return publicKeyFingerprint(
      createPublicKey(createPrivateKey(privateKeyPem)),
    );
  } catch {
    return undefined;
  }
}

/** Where the portal keeps the public fingerprint of the key it generated. */
export interface PendingKeyRecord {
  /** Recorded for the request by an earlier attempt, if any. */
  recorded?: string;
  /** Records a new key's fingerprint before the key is written anywhere. */
  record(fingerprint: string): Promise<void>;
}

/**
 * The request's pending key: read back from its pending-key Secret, or
 * generated and written there first. A key is used only when its public key
 * is the one recorded in the database when the portal generated it: anyone
 * able to write Secrets in the namespace could write a pending-key Secret,
 * with the label, holding a key of their own.
 */
export async function readOrCreatePendingKey(
  api: CoreV1Api,
  request: CertificateRequest,
  target: { namespace: string; name: string },
  fingerprints: PendingKeyRecord,
): Promise<{ privateKeyPem: string; fingerprint: string }> {
  const { namespace } = target;
  const name = pendingKeySecretName(request);
  const read = async (
    expected: string | undefined,
  ): Promise<string | undefined> => {
    const secret = await orUndefinedOn404(() =>
      api.readNamespacedSecret({ name, namespace }),
    );
    if (!secret) return undefined;
    const key = secret.data?.[PENDING_KEY_FIELD];
    if (
      readOwnName(secret.metadata?.labels, PENDING_KEY_LABEL) !== request.id ||
      !key
    ) {
      throw new ConflictError(
        `Secret ${namespace}/${name} exists but does not hold the pending key of request ${request.id}; it is left untouched`,
      );
    }
    const pem = Buffer.from(key, 'base64').toString('utf8');
    if (!expected || publicFingerprintOf(pem) !== expected) {
      throw new ConflictError(
        `Secret ${namespace}/${name} holds a key the portal did not generate for request ${request.id}; it is left untouched`,
      );
    }
    return pem;
  };
  const stored = await read(fingerprints.recorded);
  if (stored) {
    return { privateKeyPem: stored, fingerprint: fingerprints.recorded! };
  }
  const { privateKeyPem } = await generateKeyAndCsr({
    keyAlgorithm: request.keyAlgorithm,
    commonName: request.commonName,
    dnsNames: request.dnsNames,
  });
  const fingerprint = publicFingerprintOf(privateKeyPem)!;
  await fingerprints.record(fingerprint);
  const body: V1Secret = {
    apiVersion: 'v1',
    kind: 'Secret',
    // Opaque, so that discovery (which reads kubernetes.io/tls) never lists it.
    type: 'Opaque',
    metadata: {
      name,
      namespace,
      labels: {
        [PENDING_KEY_LABEL]: request.id,
        [KUBERNETES_ID_LABEL]: parseEntityRef(request.entityRef).name,
      },
      annotations: { [PENDING_KEY_FOR_ANNOTATION]: target.name },
    },
    data: {
      [PENDING_KEY_FIELD]: Buffer.from(privateKeyPem).toString('base64'),
    },
  };
  try {
    await api.createNamespacedSecret({ namespace, body });
    return { privateKeyPem, fingerprint };
  } catch (error) {
    if (statusCode(error) === 409) {
      const winner = await read(fingerprint);
      if (winner) return { privateKeyPem: winner, fingerprint };
    }
    if (statusCode(error) === 404) {
      throw new Error(
        `Namespace ${namespace} does not exist in cluster ${request.delivery.cluster}`,
      );
    }
    throw error;
  }
}

/**
 * Deletes a request's pending-key Secret, if it holds the key whose public
 * key is `fingerprint`: one the portal did not make is left alone.
 */
export async function deletePendingKey(
  api: CoreV1Api,
  request: CertificateRequest,
  namespace: string,
  fingerprint: string | undefined,
): Promise<void> {
  const name = pendingKeySecretName(request);
  const secret = await orUndefinedOn404(() =>
    api.readNamespacedSecret({ name, namespace }),
  );
  const key = secret?.data?.[PENDING_KEY_FIELD];
  if (
    !fingerprint ||
    !key ||
    readOwnName(secret?.metadata?.labels, PENDING_KEY_LABEL) !== request.id ||
    publicFingerprintOf(Buffer.from(key, 'base64').toString('utf8')) !==
      fingerprint
  ) {
    return;
  }
  await orUndefinedOn404(() =>
    api.deleteNamespacedSecret({
      name,
      namespace,
      body: { preconditions: { uid: secret.metadata?.uid } },
    }),
  );
}
