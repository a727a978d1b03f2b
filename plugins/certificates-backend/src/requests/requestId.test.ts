import { newRequestId } from './requestId';

describe('newRequestId', () => {
  it('is a version 7 UUID with the time first', () => {
    const at = Date.UTC(2026, 10, 28, 12, 0, 0);
    const id = newRequestId(at);
    expect(id).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(at);
  });

  it('sorts in the order made, also within one millisecond, and never repeats', () => {
    const ids: string[] = [];
    const at = Date.now() + 60_000;
    for (let i = 0; i < 5000; i++)
      ids.push(newRequestId(at + Math.floor(i / 1000)));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
