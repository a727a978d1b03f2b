import { CertificateSummary } from '@kubecerts/backstage-plugin-certificates-common';
import { Knex } from 'knex';
import { PLACE_COLUMNS } from '../inventory/store/rowMapping';

const INVENTORY = 'certificates_inventory';
const NOTICES = 'certificates_expiry_notices';

/** A live, owned certificate whose expiry is near; only what a notice needs. */
export type DueCertificate = Pick<
  CertificateSummary,
  | 'id'
  | 'location'
  | 'cluster'
  | 'namespace'
  | 'secretName'
  | 'commonName'
  | 'dnsNames'
  | 'entityRef'
  | 'ownerRef'
> & { notAfter: string; fingerprintSha256: string };

/** One notice: a certificate's leaf at one threshold (0 = expired). */
export interface ExpiryNoticeKey {
  certificateId: string;
  fingerprintSha256: string;
  thresholdDays: number;
}

export function noticeKey(key: ExpiryNoticeKey): string {
  return `${key.certificateId}\n${key.fingerprintSha256}\n${key.thresholdDays}`;
}

/**
 * The expiry notifier's database access: reads due certificates from the
 * inventory and records the notices sent.
 */
export class ExpiryNotifierStore {
  static create(options: { knex: Knex }): ExpiryNotifierStore {
    return new ExpiryNotifierStore(options.knex);
  }

  private constructor(private readonly db: Knex) {}

  /**
   * Pages through live, owned certificates (an endpoint's row only when it
   * serves a certificate no owned Secret or portal row holds: the owners
   * hear of one certificate once, and still of a stale one a server kept)
   * with `from` < notAfter ≤ `to`,
   * in (not_after, id) order: a range walk of the expiry index
   * (gone_at, not_after, id), with keyset paging, so a run never holds more
   * than a page however many certificates are due.
   */
  async forEachDue(
    options: { from: string; to: string; pageSize?: number },
    fn: (rows: DueCertificate[]) => Promise<void>,
  ): Promise<void> {
    const pageSize = options.pageSize ?? 500;
    let after: { notAfter: string; id: string } | undefined;
    for (;;) {
      const q = this.db(INVENTORY)
        .select(
          ...PLACE_COLUMNS,
          'not_after',
          'fingerprint_sha256',
          'entity_ref',
          'owner_ref',
        )
        .whereNull('gone_at')
        .where('not_after', '>', options.from)
        .where('not_after', '<=', options.to)
        .where(owned =>
          owned.whereNotNull('entity_ref').orWhereNotNull('owner_ref'),
        )
        .whereNotNull('fingerprint_sha256')
        .where(notServedCopy(this.db))
        .orderBy([
          { column: 'not_after', order: 'asc' },
          { column: 'id', order: 'asc' },
        ])
        .limit(pageSize);
      if (after) {
        const cursor = after;
        // The first condition bounds the index range, so a page starts at
        // the cursor instead of filtering every earlier row again.
        q.where('not_after', '>=', cursor.notAfter).where(next =>
          next
            .where('not_after', '>', cursor.notAfter)
            .orWhere(same =>
              same
                .where('not_after', '=', cursor.notAfter)
                .andWhere('id', '>', cursor.id),
            ),
        );
      }
      const rows = await q;
      if (rows.length === 0) return;
      await fn(rows.map(toDue));
      if (rows.length < pageSize) return;
      const last = rows[rows.length - 1];
      after = { notAfter: last.not_after, id: last.id };
      // Embedded SQLite answers synchronously: let HTTP requests in between pages.
      await new Promise(resolve => setImmediate(resolve));
    }
  }

  /** The notices among `keys` that were sent (claimed) already. */
  async sent(keys: ExpiryNoticeKey[]): Promise<Set<string>> {
    const out = new Set<string>();
    const ids = [...new Set(keys.map(k => k.certificateId))];
    for (let i = 0; i < ids.length; i += 500) {
      const rows = await this.db(NOTICES)
        .select('certificate_id', 'fingerprint_sha256', 'threshold_days')
        .whereIn('certificate_id', ids.slice(i, i + 500));
      for (const r of rows) {
        out.add(
          noticeKey({
            certificateId: r.certificate_id,
            fingerprintSha256: r.fingerprint_sha256,
            thresholdDays: Number(r.threshold_days),
          }),
        );
      }
    }
    return out;
  }

  /** Claims a notice; true for the one caller (of any instance) that may send it. */
  async claim(key: ExpiryNoticeKey, at: string): Promise<boolean> {
    const claimed = await this.db(NOTICES)
      .insert({ ...noticeColumns(key), at })
      .onConflict(['certificate_id', 'fingerprint_sha256', 'threshold_days'])
      .ignore()
      .returning(['certificate_id']);
    return claimed.length > 0;
  }

  /** Gives a claim back (the notice could not be sent), so a later run retries. */
  async release(key: ExpiryNoticeKey): Promise<void> {
    await this.db(NOTICES).where(noticeColumns(key)).delete();
  }

  /** Deletes notices recorded before `before`; returns how many. */
  async prune(before: string): Promise<number> {
    return await this.db(NOTICES).where('at', '<', before).delete();
  }
}

/** A notice's key as the notices table's (unique) columns. */
function noticeColumns(key: ExpiryNoticeKey) {
  return {
    certificate_id: key.certificateId,
    fingerprint_sha256: key.fingerprintSha256,
    threshold_days: key.thresholdDays,
  };
}

function toDue(r: any): DueCertificate {
  return {
    id: r.id,
    location: r.location ?? 'cluster',
    cluster: r.location && r.location !== 'cluster' ? undefined : r.cluster,
    namespace: r.namespace,
    secretName: r.secret_name,
    commonName: r.common_name || undefined,
    dnsNames: r.dns_names ? JSON.parse(r.dns_names) : [],
    notAfter: r.not_after,
    fingerprintSha256: r.fingerprint_sha256,
    entityRef: r.entity_ref || undefined,
    ownerRef: r.owner_ref || undefined,
  };
}

/**
 * Rows other than endpoints', and endpoint rows whose certificate no live,
 * owned row elsewhere holds. The same certificate has the same notAfter, so
 * the lookup walks the expiry index (gone_at, not_after) to a few rows.
 */
function notServedCopy(db: Knex) {
  return (q: Knex.QueryBuilder) =>
    q.whereNot('location', 'endpoint').orWhereNotExists(
      db(`${INVENTORY} as held`)
        .select(db.raw('1'))
        .whereNull('held.gone_at')
        .where('held.not_after', db.ref(`${INVENTORY}.not_after`))
        .where(
          'held.fingerprint_sha256',
          db.ref(`${INVENTORY}.fingerprint_sha256`),
        )
        .whereNot('held.location', 'endpoint')
        .where(owned =>
          owned
            .whereNotNull('held.entity_ref')
            .orWhereNotNull('held.owner_ref'),
        ),
    );
}
