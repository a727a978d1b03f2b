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
        { cluster: 'a', status: 'valid', count: 5 },
        { cluster: 'a', status: 'expired', count: 1 },
      ],
      earliestExpiry: [{ cluster: 'a', notAfter: '2026-11-29T00:00:00Z' }],
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
      [5, { cluster: 'a', status: 'valid' }],
      [1, { cluster: 'a', status: 'expired' }],
    ]);
    expect(read('certificates.inventory.earliest_expiry')).toEqual([
      [86400, { cluster: 'a' }],
    ]);
    expect(read('certificates.cluster.sync_errors')).toEqual([
      [0, { cluster: 'a' }],
      [1, { cluster: 'b' }],
    ]);
  });
});
