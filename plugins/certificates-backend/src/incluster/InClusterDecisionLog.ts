import { ApprovalDecision, CertificateRequest } from '@kubecerts/backstage-plugin-certificates-common';
import { Knex } from 'knex';

const TABLE = 'certificates_incluster_decisions';

type Row = {
  seq: number | string;
  actor: string;
  decision: string;
  reason: string | null;
  at: string;
  request: string;
};

/**
 * The portal's record of decisions on in-cluster CertificateRequests, so
 * they show under "decided by me" next to portal requests. Insert-only.
 */
export class InClusterDecisionLog {
  static create(options: { knex: Knex }): InClusterDecisionLog {
    return new InClusterDecisionLog(options.knex);
  }

  private constructor(private readonly knex: Knex) {}

  /** `request` is the queue row after the decision, with `inCluster` set. */
  async record(request: CertificateRequest, decision: ApprovalDecision): Promise<void> {
    const where = request.inCluster;
    if (!where) return;
    const { decisions: _ignored, ...seen } = request;
    await this.knex(TABLE).insert({
      cluster: where.cluster,
      namespace: where.namespace,
      name: where.name,
      actor_key: decision.actor.toLocaleLowerCase('en-US'),
      actor: decision.actor,
      decision: decision.decision,
      reason: decision.reason ?? null,
      at: decision.at,
      request: JSON.stringify(seen),
    });
  }

  /** This person's decisions, newest first, as requests carrying that decision. */
  async listByActor(actor: string, limit = 100): Promise<CertificateRequest[]> {
    const rows: Row[] = await this.knex(TABLE)
      .where({ actor_key: actor.toLocaleLowerCase('en-US') })
      .orderBy('seq', 'desc')
      .limit(limit);
    return rows.map(row => {
      const decision: ApprovalDecision = {
        actor: row.actor,
        decision: row.decision as ApprovalDecision['decision'],
        at: row.at,
        ...(row.reason ? { reason: row.reason } : {}),
      };
      return { ...(JSON.parse(row.request) as CertificateRequest), decisions: [decision] };
    });
  }
}
