import { Knex } from 'knex';
import {
  DeliveryKind,
  RequestIssue,
  requestLinkVerdict,
} from '@kubecerts/backstage-plugin-certificates-common';
import { leafFingerprintOf } from '../../pki';

/**
 * The location of certificates issued to a CSR: they live in no cluster, so
 * their rows sit under this name. It never appears in the cluster list (that
 * comes from discovered clusters) and discovery relists only the clusters it
 * knows, so these rows are never marked gone by a relist.
 */
export const PORTAL_LOCATION = 'portal';

const REQUESTS = 'certificates_requests';
/** Serials per lookup (two spellings each). */
const LOOKUP_BATCH = 200;

type DbRow = Record<string, any>;

/** Runs a select given as SQL text with `?` placeholders (on SQLite as a cached prepared statement). */
export type SqlRunner = (
  sql: string,
  bindings: readonly unknown[],
) => Promise<DbRow[]>;

/** The portable runner: knex's raw query, whatever the client answers with. */
export function rawRunner(db: Knex): SqlRunner {
  return async (sql, bindings) => {
    const result = await db.raw(sql, bindings as Knex.RawBinding[]);
    return Array.isArray(result) ? result : result.rows;
  };
}

const LOOKUP_COLUMNS =
  'id, serial_number, chain_pem, delivery_kind, delivery_cluster, delivery_namespace, delivery_secret_name';

/**
 * The lookup's SQL for `size` serials, written once per size: building it
 * with the query builder on every list page cost more than running it.
 */
const lookupSql = new Map<number, string>();
function lookupSqlFor(size: number): string {
  let sql = lookupSql.get(size);
  if (!sql) {
    sql = `select ${LOOKUP_COLUMNS} from ${REQUESTS} where serial_number in (${Array.from(
      { length: size },
      () => '?',
    ).join(', ')}) and chain_pem is not null`;
    lookupSql.set(size, sql);
  }
  return sql;
}

/** The issuers' spellings of a serial: hex, in either case. */
function spellings(serial: string): string[] {
  return [serial.toUpperCase(), serial.toLowerCase()];
}

const comparable = (serial: string) =>
  serial.toLowerCase().replace(/^0+(?=.)/, '');

/**
 * The values padded to a power of two with repeats of the last one, so that
 * the lookup's SQL text, and its prepared statement, comes in few shapes.
 */
function padded(values: string[]): string[] {
  let size = 1;
  while (size < values.length) size *= 2;
  return values.concat(
    Array.from(
      { length: size - values.length },
      () => values[values.length - 1],
    ),
  );
}

/**
 * Links inventory rows to the portal requests whose certificates they hold.
 * A Secret can be labelled with any request id, so a discovered row is
 * linked only by proof, each time it is read: its leaf is byte for byte the
 * certificate the issuer returned for the request (fingerprint), and for a
 * Secret or cert-manager delivery it is the request's target Secret
 * (requestLinkVerdict). Read-time proof stays right whichever comes first,
 * the Secret or the request's issued state, and needs nothing on the
 * discovery path. The request is found by the row's serial (indexed), then
 * proven by the fingerprint of its chain's leaf.
 */
export class RequestLinks {
  constructor(private readonly run: SqlRunner) {}

  /**
   * Row id → id of the request the row's certificate proves. The portal's
   * own rows are left out: they carry the request they were written for.
   */
  async prove(rows: DbRow[]): Promise<Map<string, string>> {
    const links = new Map<string, string>();
    const candidates = rows.filter(
      r =>
        r.cluster !== PORTAL_LOCATION &&
        r.serial_number &&
        r.fingerprint_sha256,
    );
    if (candidates.length === 0) return links;
    const serials = [
      ...new Set(candidates.flatMap(r => spellings(r.serial_number))),
    ];
    const bySerial = new Map<string, Map<string, RequestIssue>>();
    for (let i = 0; i < serials.length; i += LOOKUP_BATCH) {
      const batch = padded(serials.slice(i, i + LOOKUP_BATCH));
      const issued = await this.run(lookupSqlFor(batch.length), batch);
      for (const q of issued) {
        const key = comparable(q.serial_number);
        const issues = bySerial.get(key) ?? new Map<string, RequestIssue>();
        bySerial.set(key, issues);
        issues.set(q.id, {
          requestId: q.id,
          delivery: {
            kind: q.delivery_kind as DeliveryKind,
            cluster: q.delivery_cluster ?? undefined,
            namespace: q.delivery_namespace ?? undefined,
            secretName: q.delivery_secret_name ?? undefined,
          },
          leafFingerprintSha256: leafFingerprintOf(q.chain_pem),
        });
      }
    }
    for (const r of candidates) {
      const found = {
        cluster: r.cluster,
        namespace: r.namespace,
        secretName: r.secret_name,
        fingerprintSha256: r.fingerprint_sha256,
      };
      for (const issue of bySerial.get(comparable(r.serial_number))?.values() ??
        []) {
        if (requestLinkVerdict(found, issue).linked) {
          links.set(r.id, issue.requestId);
          break;
        }
      }
    }
    return links;
  }
}
