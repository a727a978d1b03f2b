import { CertificateRequest } from '@kubecerts/backstage-plugin-certificates-common';
import { Knex } from 'knex';
import { applyRequestPermission } from '../requests/requestPermissionSql';
import {
  REQUEST_COLUMNS,
  RequestRow,
  rowToRequest,
} from '../requests/requestRows';
import { ApprovalQueuePort, ApproverQueueFilter, QueuePosition } from './ports';

const REQUESTS = 'certificates_requests';
const DECISIONS = 'certificates_approval_decisions';

/** LIKE pattern text matching `value` literally (with ESCAPE '\'). */
function likeLiteral(value: string): string {
  return value.replace(/[\\%_]/g, c => `\\${c}`);
}

/**
 * The approvers' queue as SQL: the badge is one COUNT and the queue is read
 * in keyset pages by (created_at, id), however many requests wait. The
 * query holds the rules `canDecide` applies to a loaded request, so that
 * what is counted is what is listed: pending; not the approver's own (ref
 * compared case-insensitively); not decided by them yet; under a policy
 * whose approvers (as configured now, else as recorded on the request)
 * include one of their refs. The permission's conditions and the filters
 * apply as for `listPending`.
 */
export class DatabaseApprovalQueue implements ApprovalQueuePort {
  static create(options: { knex: Knex }): DatabaseApprovalQueue {
    return new DatabaseApprovalQueue(options.knex);
  }

  private constructor(private readonly knex: Knex) {}

  async page(
    filter: ApproverQueueFilter,
    options: { limit: number; after?: QueuePosition },
  ): Promise<CertificateRequest[]> {
    const query = this.knex(REQUESTS).select(REQUEST_COLUMNS);
    this.where(query, filter);
    const after = options.after;
    if (after) {
      query.where(q =>
        q
          .where('created_at', '>', after[0])
          .orWhere(q2 => q2.where('created_at', after[0]).where('id', '>', after[1])),
      );
    }
    const rows = (await query
      .orderBy([
        { column: 'created_at', order: 'asc' },
        { column: 'id', order: 'asc' },
      ])
      .limit(Math.max(1, options.limit))) as RequestRow[];
    return rows.map(rowToRequest);
  }

  async count(filter: ApproverQueueFilter): Promise<number> {
    const query = this.knex(REQUESTS);
    this.where(query, filter);
    const [row] = await query.count({ n: '*' });
    return Number((row as { n: number | string }).n);
  }

  private where(query: Knex.QueryBuilder, filter: ApproverQueueFilter): void {
    const actorKey = filter.actor.toLocaleLowerCase('en-US');
    query.where('state', 'pending');
    if (filter.permission) applyRequestPermission(query, filter.permission);
    if (filter.issuers) query.whereIn('issuer', filter.issuers);
    if (filter.owners) {
      applyRequestPermission(query, { property: 'ownerRef', values: filter.owners });
    }
    if (filter.createdBefore) query.where('created_at', '<=', filter.createdBefore);
    query.whereRaw('LOWER(requester) <> ?', [actorKey]);
    query.whereNotExists(
      this.knex(DECISIONS)
        .select(this.knex.raw('1'))
        .whereRaw(`${DECISIONS}.request_id = ${REQUESTS}.id`)
        .where(`${DECISIONS}.actor_key`, actorKey),
    );
    const refs = [...new Set(filter.actorRefs.map(r => r.toLocaleLowerCase('en-US')))];
    query.where(approver => {
      approver.whereIn('policy_name', filter.approverPolicies);
      // Approvers recorded on the request: a JSON array of refs, matched
      // as whole quoted strings.
      approver.orWhere(recorded => {
        recorded.whereNotIn('policy_name', filter.configuredPolicies);
        recorded.where(member => {
          if (!refs.length) member.whereRaw('1 = 0');
          for (const ref of refs) {
            member.orWhereRaw(`LOWER(approvers) LIKE ? ESCAPE '\\'`, [`%"${likeLiteral(ref)}"%`]);
          }
        });
      });
    });
  }
}
