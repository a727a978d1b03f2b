import { InputError } from '@backstage/errors';
import { CertificateRequest } from '@kubecerts/backstage-plugin-certificates-common';
import { QueuePosition } from './ports';

/**
 * Where a queue page ends, per source: portal requests are read from the
 * database in its own (created_at, id) order, in-cluster ones from memory.
 * Each source resumes after its own last row, so every request is listed
 * once even where the two orders would disagree on ties.
 */
export interface QueueCursor {
  portal?: QueuePosition;
  external?: QueuePosition;
}

export function encodeQueueCursor(cursor: QueueCursor): string {
  return Buffer.from(JSON.stringify([cursor.portal ?? null, cursor.external ?? null])).toString('base64url');
}

function position(value: unknown): QueuePosition | undefined {
  if (value === null) return undefined;
  if (Array.isArray(value) && value.length === 2 && value.every(v => typeof v === 'string')) {
    return value as QueuePosition;
  }
  throw new Error('not a position');
}

export function decodeQueueCursor(text: string): QueueCursor {
  try {
    const value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (!Array.isArray(value) || value.length !== 2) throw new Error('not a cursor');
    return { portal: position(value[0]), external: position(value[1]) };
  } catch {
    throw new InputError('cursor is not one this queue returned');
  }
}

/** Oldest first, by instant then id (code-unit order, as a database's C collation). */
export function compareQueued(
  a: Pick<CertificateRequest, 'createdAt' | 'id'>,
  b: Pick<CertificateRequest, 'createdAt' | 'id'>,
): number {
  const byTime = (Date.parse(a.createdAt) || 0) - (Date.parse(b.createdAt) || 0);
  if (byTime) return byTime;
  if (a.id === b.id) return 0;
  return a.id < b.id ? -1 : 1;
}

export function afterPosition(request: CertificateRequest, after?: QueuePosition): boolean {
  return !after || compareQueued(request, { createdAt: after[0], id: after[1] }) > 0;
}

/**
 * One page of the merged queue. `portal` is the database's next rows in its
 * order (a row the approver may not decide after all is passed over, not
 * listed); `external` every in-cluster row after the cursor, in
 * `compareQueued` order.
 */
export function mergeQueuePage(options: {
  portal: Array<{ request: CertificateRequest; visible: boolean }>;
  /** Whether the database may hold rows after the ones given. */
  portalMayHaveMore: boolean;
  external: CertificateRequest[];
  limit: number;
  cursor: QueueCursor;
}): { items: CertificateRequest[]; nextCursor?: string } {
  const { portal, external, limit } = options;
  const items: CertificateRequest[] = [];
  const next: QueueCursor = { ...options.cursor };
  let p = 0;
  let e = 0;
  while (items.length < limit && (p < portal.length || e < external.length)) {
    const takePortal =
      e >= external.length || (p < portal.length && compareQueued(portal[p].request, external[e]) <= 0);
    if (takePortal) {
      const { request, visible } = portal[p++];
      next.portal = [request.createdAt, request.id];
      if (visible) items.push(request);
    } else {
      const request = external[e++];
      next.external = [request.createdAt, request.id];
      items.push(request);
    }
  }
  const more = p < portal.length || e < external.length || options.portalMayHaveMore;
  return { items, ...(more ? { nextCursor: encodeQueueCursor(next) } : {}) };
}
