import { CertificateDetails } from '@kubecerts/backstage-plugin-certificates-common';
import {
  ConflictError,
  NotAllowedError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { AuditLog } from '../audit';
import { ClusterRegistry } from '../clusters/ClusterRegistry';
import {
  CertManagerCertificate,
  CertManagerClient,
  conditionOf,
  conditionTime,
} from '../certmanager';
import { describeFailure } from '../discovery/errors';
import type { LifecycleCaller } from './LifecycleService';

/** What asking cert-manager to issue again needs. */
export interface CertManagerReissueDeps {
  clusters: ClusterRegistry;
  audit: Pick<AuditLog, 'record'>;
  now(): Date;
}

/**
 * As `cmctl renew` does: the Certificate gets the Issuing condition
 * (reason ManuallyTriggered) through its status subresource, guarded by
 * its resourceVersion; cert-manager then issues a new certificate.
 */
export async function reissueWithCertManager(
  deps: CertManagerReissueDeps,
  row: CertificateDetails,
  target: { namespace: string; name: string },
  caller: LifecycleCaller,
): Promise<void> {
  const cluster = deps.clusters.get(row.cluster ?? '');
  const where = `Certificate ${target.namespace}/${target.name} in cluster ${row.cluster}`;
  if (!cluster)
    throw new ConflictError(`Cluster ${row.cluster} is not configured.`);
  const api = CertManagerClient.forCluster(cluster.kubeConfig);
  for (let attempt = 0; attempt < 3; attempt++) {
    let current: CertManagerCertificate | undefined;
    try {
      current = await api.getCertificate(target.namespace, target.name);
    } catch (error) {
      throw new ServiceUnavailableError(
        `Could not read ${where}: ${describeFailure(error).reason}`,
      );
    }
    if (!current) throw new ConflictError(`${where} no longer exists.`);
    if (conditionOf(current, 'Issuing')?.status === 'True') {
      throw new ConflictError(`cert-manager is already issuing ${where}.`);
    }
    const condition = {
      type: 'Issuing',
      status: 'True',
      reason: 'ManuallyTriggered',
      message: `Certificate re-issuance manually triggered by ${caller.userEntityRef} in Backstage`,
      lastTransitionTime: conditionTime(deps.now()),
    };
    try {
      await api.setCertificateCondition(current, condition);
    } catch (error) {
      const failure = describeFailure(error);
      if (failure.code === 409 || failure.code === 422) continue;
      if (failure.code === 403) {
        throw new NotAllowedError(
          `Cluster ${row.cluster} refused to update ${where}: the backend's service account needs 'patch' on certificates/status (see "Renewal and revocation" in the certificates backend README).`,
        );
      }
      throw new ServiceUnavailableError(
        `Could not update ${where}: ${failure.reason}`,
      );
    }
    await deps.audit.record({
      actor: caller.userEntityRef,
      action: 'renewed',
      certificateId: row.id,
      entityRef: row.entityRef,
      outcome: 'success',
      detail: `${where}: Issuing condition set`,
    });
    return;
  }
  throw new ConflictError(`${where} kept changing; try again.`);
}
