import { EndpointScanStatus } from '@kubecerts/backstage-plugin-certificates-common';
import { Knex } from 'knex';

const TABLE = 'certificates_endpoints';
const BATCH = 200;

/** Field of EndpointStatus → its column. */
const COLUMNS: Array<[keyof EndpointStatus, string]> = [
  ['id', 'id'],
  ['host', 'host'],
  ['port', 'port'],
  ['source', 'source'],
  ['origin', 'origin'],
  ['resolvedAddress', 'resolved_address'],
  ['lastAttemptAt', 'last_attempt_at'],
  ['lastSeenAt', 'last_seen_at'],
  ['lastError', 'last_error'],
  ['lastDurationMs', 'last_duration_ms'],
];

/** A failed scan knows no address or answer: the last known ones stay. */
const KEPT_WHEN_UNKNOWN = ['resolved_address', 'last_seen_at'];

const toDb = (s: EndpointStatus) =>
  Object.fromEntries(COLUMNS.map(([f, c]) => [c, s[f] ?? null]));

function toStatus(r: Record<string, any>): EndpointStatus {
  const status = Object.fromEntries(
    COLUMNS.filter(([, c]) => r[c] !== null && r[c] !== undefined).map(
      ([f, c]) => [f, r[c]],
    ),
  ) as unknown as EndpointStatus;
  return { ...status, port: Number(r.port) };
}

/** How the last scans of one endpoint went (what the API answers too). */
export type EndpointStatus = EndpointScanStatus;

/** The scanner's own record of each endpoint (table certificates_endpoints). */
export class EndpointStatusStore {
  private constructor(private readonly db: Knex) {}

  static create(options: { knex: Knex }) {
    return new EndpointStatusStore(options.knex);
  }

  /** Records one scan round; a failed scan keeps the last time it was seen. */
  async record(statuses: EndpointStatus[]): Promise<void> {
    for (let i = 0; i < statuses.length; i += BATCH) {
      const rows = statuses.slice(i, i + BATCH).map(toDb);
      await this.db(TABLE)
        .insert(rows)
        .onConflict('id')
        .merge(
          Object.fromEntries(
            COLUMNS.slice(1).map(([, c]) => [
              c,
              this.db.raw(
                KEPT_WHEN_UNKNOWN.includes(c)
                  ? `coalesce(excluded.${c}, ${TABLE}.${c})`
                  : `excluded.${c}`,
              ),
            ]),
          ),
        );
    }
  }

  /** Forgets endpoints no source declares any more. */
  async remove(ids: string[]): Promise<void> {
    for (let i = 0; i < ids.length; i += BATCH) {
      await this.db(TABLE)
        .whereIn('id', ids.slice(i, i + BATCH))
        .delete();
    }
  }

  async get(ids: string[]): Promise<EndpointStatus[]> {
    const out: EndpointStatus[] = [];
    for (let i = 0; i < ids.length; i += BATCH) {
      const rows = await this.db(TABLE).whereIn('id', ids.slice(i, i + BATCH));
      out.push(...rows.map(toStatus));
    }
    return out;
  }

  async list(): Promise<EndpointStatus[]> {
    return (await this.db(TABLE).orderBy(['host', 'port'])).map(toStatus);
  }
}
