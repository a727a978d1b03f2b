import { ConflictError } from '@backstage/errors';
import { parseEntityRef } from '@backstage/catalog-model';
import { CertificateRequest } from '@kubecerts/backstage-plugin-certificates-common';
import { CoreV1Api, V1Secret } from '@kubernetes/client-node';
import { generateKeyAndCsr } from './keyAndCsr';
import { orUndefinedOn404, statusCode } from './kubeErrors';
import {
  KUBERNETES_ID_LABEL,
  PENDING_KEY_FOR_ANNOTATION,
  PENDING_KEY_LABEL,
} from './labels';

const PENDING_KEY_FIELD = 'tls.key';

/** Where a request's key waits until its Secret is written. */
export function pendingKeySecretName(
  request: Pick<CertificateRequest, 'id'>,
): string {
  return `certificates-pending-key-${request.id}`.toLowerCase();
}

/**
 * The request's pending key: read back from its pending-key Secret, or
 * generated and written there first. Concurrent attempts agree on one key
 * (the second create gets 409 and reads the first one's).
 */
export async function readOrCreatePendingKey(
  api: CoreV1Api,
  request: CertificateRequest,
  target: { namespace: string; name: string },
): Promise<string> {
  const { namespace } = target;
  const name = pendingKeySecretName(request);
  const read = async (): Promise<string | undefined> => {
    const secret = await orUndefinedOn404(() =>
      api.readNamespacedSecret({ name, namespace }),
    );
    if (!secret) return undefined;
    const key = secret.data?.[PENDING_KEY_FIELD];
    if (secret.metadata?.labels?.[PENDING_KEY_LABEL] !== request.id || !key) {
      throw new ConflictError(
        `Secret ${namespace}/${name} exists but does not hold the pending key of request ${request.id}; it is left untouched`,
      );
    }
    return Buffer.from(key, 'base64').toString('utf8');
  };
  const stored = await read();
  if (stored) {
    return stored;
  }
  const { privateKeyPem } = await generateKeyAndCsr({
    keyAlgorithm: request.keyAlgorithm,
    commonName: request.commonName,
    dnsNames: request.dnsNames,
  });
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
    return privateKeyPem;
  } catch (error) {
    if (statusCode(error) === 409) {
      const winner = await read();
      if (winner) return winner;
    }
    if (statusCode(error) === 404) {
      throw new Error(
        `Namespace ${namespace} does not exist in cluster ${request.delivery.cluster}`,
      );
    }
    throw error;
  }
}

/** Deletes a request's pending-key Secret, if it has one. */
export async function deletePendingKey(
  api: CoreV1Api,
  request: CertificateRequest,
  namespace: string,
): Promise<void> {
  const name = pendingKeySecretName(request);
  const secret = await orUndefinedOn404(() =>
    api.readNamespacedSecret({ name, namespace }),
  );
  if (secret?.metadata?.labels?.[PENDING_KEY_LABEL] !== request.id) {
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
