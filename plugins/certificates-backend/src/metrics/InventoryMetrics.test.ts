import { Meter } from '@opentelemetry/api';
import { InventoryMetrics } from './InventoryMetrics';

function fakeMeter() {
  const gauges = new Map<
    string,
    (r: { observe(v: number, a?: object): void }) => void
  >();
  const meter = {
    createObservableGauge: (name: string) => ({
      addCallback: (cb: any) => gauges.set(name, cb),
    }),
  } as unknown as Meter;
  const read = (name: string) => {
    const out: Array<[number, object | undefined]> = [];
    gauges.get(name)!({ observe: (v, a) => out.push([v, a]) });
    return out;
  };
  return { meter, read };
}

describe('InventoryMetrics', () => {
  it('exposes aggregate gauges only', () => {
    const { meter, read } = fakeMeter();
    const metrics = InventoryMetrics.create({
      meter,
      now: () => new Date('2026-11-28T00:00:00Z'),
    });
    expect(read('certificates.inventory.count')).toEqual([]);
    metrics.update({
      byClusterAndStatus: [
        { location: 'cluster', cluster: 'a', status: 'valid', count: 5 },
        { cluster: 'a', status: 'expired', count: 1 },
        { location: 'portal', status: 'valid', count: 2 },
      ],
      earliestExpiry: [
        { location: 'cluster', cluster: 'a', notAfter: '2026-11-29T00:00:00Z' },
        { location: 'portal', notAfter: '2026-11-30T00:00:00Z' },
      ],
      clusters: [
        { name: 'a', simulated: false, state: 'ok', certificateCount: 6 },
        {
          name: 'b',
          simulated: false,
          state: 'degraded',
          degradedReason: 'x',
          certificateCount: 0,
        },
      ],
    });
    expect(read('certificates.inventory.count')).toEqual([
      [5, { location: 'cluster', cluster: 'a', status: 'valid' }],
      [1, { location: 'cluster', cluster: 'a', status: 'expired' }],
      // the portal's rows are no cluster's
      [2, { location: 'portal', status: 'valid' }],
    ]);
    expect(read('certificates.inventory.earliest_expiry')).toEqual([
      [86400, { location: 'cluster', cluster: 'a' }],
      [172800, { location: 'portal' }],
    ]);
    expect(read('certificates.cluster.sync_errors')).toEqual([
      [0, { cluster: 'a' }],
      [1, { cluster: 'b' }],
    ]);
  });
});
