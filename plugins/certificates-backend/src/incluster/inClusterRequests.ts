import {
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import {
  describeCertificateRequest,
  CertManagerCertificateRequest,
} from './certificateRequests';
import { readRequestedCertificate } from './requestedCertificate';
import { CertManagerClient } from '../certmanager';
import { describeError, ID_PREFIX, messageOf, statusOf } from './clusterErrors';
import { InClusterOwnership } from './InClusterOwnership';

const CERTIFICATE_NAME_ANNOTATION = 'cert-manager.io/certificate-name';
const KUBERNETES_ID_LABEL = 'backstage.io/kubernetes-id';
export const IN_CLUSTER_POLICY = 'in-cluster';

/** The queue id of a cluster's CertificateRequest. */
export function inClusterIdOf(
  cluster: string,
  namespace: string,
  name: string,
): string {
  return (
    ID_PREFIX +
    Buffer.from(JSON.stringify([cluster, namespace, name])).toString(
      'base64url',
    )
  );
}

/** Reads one CertificateRequest, telling refusal, absence and failure apart. */
export async function readClusterRequest(
  api: CertManagerClient,
  namespace: string,
  name: string,
  where: string,
) {
  let found: CertManagerCertificateRequest | undefined;
  try {
    found = await api.getCertificateRequest(namespace, name);
  } catch (error) {
    const status = statusOf(error);
    if (status === 403)
      throw new NotAllowedError(
        `Cluster refused to read ${where}: ${messageOf(error) ?? 'forbidden'}`,
      );
    throw new ServiceUnavailableError(
      `Cannot read ${where}: ${describeError(error)}`,
    );
  }
  if (!found) throw new NotFoundError(`${where} does not exist`);
  return found;
}

/** A cluster's CertificateRequest as the queue shows it. */
export async function toInClusterRequest(
  options: {
    approvers: string[];
    caIssuers?: string[];
    ownership?: InClusterOwnership;
  },
  cluster: string,
  cr: CertManagerCertificateRequest,
  api: CertManagerClient,
): Promise<ReturnType<typeof describeCertificateRequest>> {
  const namespace = cr.metadata.namespace ?? 'default';
  const labels = cr.metadata.labels;
  const kubernetesId = labels?.[KUBERNETES_ID_LABEL];
  const ownership = options.ownership
    ? await options.ownership.resolve({
        cluster,
        namespace,
        labels,
        certificateLabels: kubernetesId
          ? undefined
          : await certificateLabels(api, namespace, cr),
      })
    : {
        entityRef: kubernetesId
          ? `component:default/${kubernetesId}`
          : undefined,
      };
  return describeCertificateRequest({
    id: inClusterIdOf(cluster, namespace, cr.metadata.name),
    cluster,
    cr,
    ownership,
    requested: await readRequestedCertificate(cr.spec),
    policy: {
      name: IN_CLUSTER_POLICY,
      approvers: options.approvers,
      caIssuers: options.caIssuers,
    },
  });
}

/** Labels of the Certificate that made this request; undefined when there is none or it cannot be read. */
async function certificateLabels(
  api: CertManagerClient,
  namespace: string,
  cr: CertManagerCertificateRequest,
): Promise<Record<string, string> | undefined> {
  const name =
    cr.metadata.annotations?.[CERTIFICATE_NAME_ANNOTATION] ??
    cr.metadata.ownerReferences?.find(o => o.kind === 'Certificate')?.name;
  if (!name) return undefined;
  try {
    return (await api.getCertificate(namespace, name))?.metadata.labels;
  } catch {
    // Gone or not readable: the request's own labels and the mappings still apply.
    return undefined;
  }
}
