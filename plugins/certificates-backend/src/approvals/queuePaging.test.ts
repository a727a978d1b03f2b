import { decodeQueueCursor, encodeQueueCursor, mergeQueuePage } from './queuePaging';
import { pendingRequest } from './__testUtils__/TableRequests';

/** An instant as the database writes it, or (`ms` false) as Kubernetes does. */
const at = (minute: number, ms = true) => {
  const iso = new Date(Date.parse('2026-11-28T10:00:00.000Z') + minute * 60_000).toISOString();
  return ms ? iso : iso.replace('.000Z', 'Z');
};

describe('mergeQueuePage', () => {
  const portal = (id: string, minute: number, visible = true) => ({
    request: pendingRequest({ id, createdAt: at(minute) }),
    visible,
  });
  const external = (id: string, minute: number) => pendingRequest({ id, createdAt: at(minute, false) });

  it('merges both sources oldest first and resumes each after its own last row', () => {
    const first = mergeQueuePage({
      portal: [portal('p1', 1), portal('p2', 2), portal('p3', 3)],
      portalMayHaveMore: true,
      external: [external('incluster:a', 2), external('incluster:b', 5)],
      limit: 3,
      cursor: {},
    });
    // The same instant, written differently, is a tie: the id decides.
    expect(first.items.map(r => r.id)).toEqual(['p1', 'incluster:a', 'p2']);
    expect(decodeQueueCursor(first.nextCursor!)).toEqual({
      portal: [at(2), 'p2'],
      external: [at(2, false), 'incluster:a'],
    });
  });

  it('passes over rows the approver may not decide, and still moves on when a page holds only those', () => {
    const page = mergeQueuePage({
      portal: [portal('p1', 1, false), portal('p2', 2, false)],
      portalMayHaveMore: true,
      external: [],
      limit: 2,
      cursor: {},
    });
    expect(page.items).toEqual([]);
    expect(decodeQueueCursor(page.nextCursor!)).toEqual({ portal: [at(2), 'p2'] });
  });

  it('ends when neither source has more', () => {
    const page = mergeQueuePage({
      portal: [portal('p1', 1)],
      portalMayHaveMore: false,
      external: [external('incluster:a', 0)],
      limit: 5,
      cursor: { portal: [at(0), 'p0'] },
    });
    expect(page.items.map(r => r.id)).toEqual(['incluster:a', 'p1']);
    expect(page.nextCursor).toBeUndefined();
  });
});

describe('queue cursors', () => {
  it('round-trip, and anything else is a 400', () => {
    const cursor = { portal: ['2026-11-28T10:00:00.000Z', 'p1'] as [string, string] };
    expect(decodeQueueCursor(encodeQueueCursor(cursor))).toEqual(cursor);
    for (const text of ['garbage', Buffer.from('[1,2]').toString('base64url'), Buffer.from('{}').toString('base64url')]) {
      expect(() => decodeQueueCursor(text)).toThrow(expect.objectContaining({ name: 'InputError' }));
    }
  });
});
