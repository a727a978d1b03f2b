import {
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  ConflictError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { KubeConfig } from '@kubernetes/client-node';
import {
  canDecide,
  CertificateRequest,
} from '@kubecerts/backstage-plugin-certificates-common';
import { AuditLog } from '../audit';
import type {
  DecideInput,
  ExternalApprovals,
  QueueFilter,
} from '../approvals/ports';
import {
  approvePermissionOf,
  assertApprovable,
  assertPermissionAdmits,
  decisionReason,
  permissionAdmits,
} from '../approvals/ports';
import { CallerIdentity } from '../service/identity';
import { decisionOf } from './certificateRequests';
import { CertManagerClient, conditionTime } from '../certmanager';
import {
  describeError,
  ID_PREFIX,
  messageOf,
  parseId,
  statusOf,
} from './clusterErrors';
import {
  IN_CLUSTER_POLICY,
  inClusterIdOf,
  readClusterRequest,
  toInClusterRequest,
} from './inClusterRequests';
import { InClusterDecisionLog } from './InClusterDecisionLog';
import { InClusterOwnership } from './InClusterOwnership';

export { IN_CLUSTER_POLICY };

/** The clusters to look in; `ClusterRegistry` satisfies it. */
export interface InClusterSource {
  list(): Array<{ name: string; kubeConfig: KubeConfig }>;
}

/**
 * cert-manager CertificateRequests that no approver has decided yet, in the
 * same queue as portal requests. Approving sets the Approved (or Denied)
 * condition through the status subresource, so the cluster's RBAC decides
 * too: the backend's identity needs `approve` on the issuer's signer.
 */
export class InClusterApprovals implements ExternalApprovals {
  static create(options: {
    clusters: InClusterSource;
    /** Groups whose members may decide in-cluster requests. */
    approvers: string[];
    /**
     * Issuers (as the queue names them, e.g. ClusterIssuer/corp-ca) whose CA
     * certificate requests may be approved; default none.
     */
    caIssuers?: string[];
    permissions: PermissionsService;
    audit: AuditLog;
    logger: LoggerService;
    /** Owning entity and team; without it only the kubernetes-id label is read. */
    ownership?: InClusterOwnership;
    /** The Kubernetes usernames a Backstage user acts under (KubernetesIdentities). */
    identities: { of(userEntityRef: string): Promise<string[]> };
    /**
     * How long one cluster-wide list serves every queue and badge count
     * (default 5 s); a decision made here drops it at once.
     */
    listCacheMs?: number;
    /** Keeps each decision for the approver's "decided by me". */
    decisionLog: Pick<InClusterDecisionLog, 'record' | 'listByActor'>;
    now?: () => Date;
  }): InClusterApprovals {
    return new InClusterApprovals(options);
  }

  private constructor(
    private readonly o: Parameters<typeof InClusterApprovals.create>[0],
  ) {}

  static idOf(cluster: string, namespace: string, name: string): string {
    return inClusterIdOf(cluster, namespace, name);
  }

  owns(id: string): boolean {
    return id.startsWith(ID_PREFIX);
  }

  async queue(
    caller: CallerIdentity,
    filter: QueueFilter,
  ): Promise<CertificateRequest[]> {
    if (this.o.approvers.length === 0) return [];
    const permission = await approvePermissionOf(this.o.permissions, caller);
    if (permission === false) return [];
    const undecided = await this.undecided();
    const cutoff =
      filter.minAgeHours !== undefined
        ? this.now().getTime() - filter.minAgeHours * 3_600_000
        : undefined;
    const aliases = await this.aliasesOf(caller).catch(error => {
      // Without the caller's identities their own requests cannot be told
      // apart: show no in-cluster rows rather than ones they must not decide.
      this.o.logger.warn(`${error}`);
      return undefined;
    });
    if (!aliases) return [];
    return undecided
      .filter(r => this.verdictFor(caller, aliases, r).allowed)
      .filter(r => permissionAdmits(permission, r))
      .filter(r => !filter.issuer?.length || filter.issuer.includes(r.issuer))
      .filter(
        r =>
          !filter.owner?.length ||
          (!!r.ownerRef && filter.owner.includes(r.ownerRef)),
      )
      .filter(r => cutoff === undefined || Date.parse(r.createdAt) <= cutoff);
  }

  private listed?: { at: number; requests: Promise<CertificateRequest[]> };

  /** Undecided CertificateRequests of every readable cluster, whoever may decide them. */
  async undecided(): Promise<CertificateRequest[]> {
    if (this.o.approvers.length === 0) return [];
    const now = this.now().getTime();
    if (!this.listed || now - this.listed.at >= (this.o.listCacheMs ?? 5_000)) {
      this.listed = { at: now, requests: this.listClusters() };
    }
    return this.listed.requests;
  }

  private async listClusters(): Promise<CertificateRequest[]> {
    const perCluster = await Promise.all(
      this.o.clusters.list().map(async cluster => {
        try {
          const api = CertManagerClient.forCluster(cluster.kubeConfig);
          const open = (await api.listCertificateRequests()).filter(
            cr => decisionOf(cr) === undefined,
          );
          return await Promise.all(
            open.map(cr => toInClusterRequest(this.o, cluster.name, cr, api)),
          );
        } catch (error) {
          // A cluster that cannot be read adds nothing; the others still show.
          this.o.logger.warn(
            `Cannot list CertificateRequests in cluster ${
              cluster.name
            }: ${describeError(error)}`,
          );
          return [];
        }
      }),
    );
    return perCluster.flat();
  }

  /** In-cluster requests this person decided here, newest first. */
  async history(
    caller: CallerIdentity,
    limit = 100,
  ): Promise<CertificateRequest[]> {
    return this.o.decisionLog.listByActor(caller.userEntityRef, limit);
  }

  async decide(input: DecideInput): Promise<CertificateRequest> {
    const { caller, decision } = input;
    const reason = decisionReason(input);
    const [clusterName, namespace, name] = parseId(input.requestId);
    const cluster = this.o.clusters.list().find(c => c.name === clusterName);
    if (!cluster) throw new NotFoundError(`No cluster ${clusterName}`);
    const api = CertManagerClient.forCluster(cluster.kubeConfig);
    const where = `CertificateRequest ${namespace}/${name} in cluster ${clusterName}`;

    const aliases = await this.aliasesOf(caller);
    for (let attempt = 0; attempt < 3; attempt++) {
      const current = await readClusterRequest(api, namespace, name, where);
      const request = await toInClusterRequest(
        this.o,
        clusterName,
        current,
        api,
      );
      if (decisionOf(current) !== undefined) {
        this.listed = undefined;
        // Someone decided meanwhile (cert-manager's approver, kubectl, another
        // approver): it leaves the queue, there is nothing left to do.
        return request;
      }
      const verdict = this.verdictFor(caller, aliases, request);
      if (!verdict.allowed) throw new NotAllowedError(verdict.reason);
      const permission = await approvePermissionOf(this.o.permissions, caller);
      assertPermissionAdmits(permission, request);
      // What the certificate would be decides too: nothing reaches the cluster otherwise.
      if (decision === 'approve') assertApprovable(request.approvability);

      const at = this.now().toISOString();
      const condition = {
        type: decision === 'approve' ? 'Approved' : 'Denied',
        status: 'True',
        reason: `backstage:${caller.userEntityRef}`,
        message:
          reason ??
          `${decision === 'approve' ? 'Approved' : 'Denied'} in Backstage by ${
            caller.userEntityRef
          }`,
        lastTransitionTime: conditionTime(new Date(at)),
      };
      const audited = (outcome: 'success' | 'failure', detail: string) =>
        this.o.audit.record({
          actor: caller.userEntityRef,
          action:
            decision === 'approve'
              ? 'in-cluster-approved'
              : 'in-cluster-denied',
          entityRef: request.entityRef,
          outcome,
          at,
          detail,
        });
      try {
        // Optimistic concurrency: fails if anything changed since we read it.
        const updated = await api.addRequestCondition(current, condition);
        this.listed = undefined;
        await audited('success', `${where}${reason ? `: ${reason}` : ''}`);
        const decided = {
          ...request,
          state: decisionOf(updated) ?? request.state,
        };
        await this.o.decisionLog
          .record(decided, {
            actor: caller.userEntityRef,
            decision,
            reason,
            at,
          })
          .catch(error =>
            // The cluster holds the decision; only the approver's list misses it.
            this.o.logger.warn(
              `Could not keep the decision on ${where} for its approver: ${error}`,
            ),
          );
        return decided;
      } catch (error) {
        const status = statusOf(error);
        if (status === 409 || status === 422) continue; // changed meanwhile: read again
        if (status === 403) {
          await audited('failure', `${where}: refused by the cluster`);
          throw new NotAllowedError(
            `Cluster ${clusterName} refused to record the decision on ${namespace}/${name}: ${
              messageOf(error) ?? 'forbidden'
            }. The backend's service account needs the 'approve' verb on cert-manager signers for this issuer (see "Approval model" in the certificates backend README).`,
          );
        }
        throw new ServiceUnavailableError(
          `Cluster ${clusterName} could not update ${namespace}/${name}: ${describeError(
            error,
          )}`,
        );
      }
    }
    throw new ConflictError(`${where} kept changing; try again.`);
  }

  private verdictFor(
    caller: CallerIdentity,
    aliases: string[],
    request: CertificateRequest,
  ) {
    return canDecide({
      request,
      actor: caller.userEntityRef,
      actorGroups: caller.ownershipEntityRefs,
      actorAliases: aliases,
      policy: {
        name: IN_CLUSTER_POLICY,
        approvals: { approvers: this.o.approvers },
      },
    });
  }

  /**
   * The Kubernetes usernames the caller acts under: cert-manager records the
   * requester as one of those, never as a Backstage ref.
   */
  private aliasesOf(caller: CallerIdentity): Promise<string[]> {
    return this.o.identities.of(caller.userEntityRef);
  }

  private now(): Date {
    return this.o.now ? this.o.now() : new Date();
  }
}
