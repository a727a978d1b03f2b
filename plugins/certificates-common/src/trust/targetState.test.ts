import { trustTargetRepairable, trustTargetState } from './targetState';

describe('trustTargetState', () => {
  const written = { uid: 'u1', hash: 'old' };

  it('tells missing, foreign, in-sync, stale and edited apart', () => {
    expect(
      trustTargetState({
        observed: { exists: false },
        written,
        currentHash: 'new',
      }),
    ).toBe('missing');
    expect(
      trustTargetState({
        observed: { exists: true, uid: 'u1', hash: 'new' },
        written,
        currentHash: 'new',
      }),
    ).toBe('in-sync');
    expect(
      trustTargetState({
        observed: { exists: true, uid: 'u1', hash: 'old' },
        written,
        currentHash: 'new',
      }),
    ).toBe('stale');
    expect(
      trustTargetState({
        observed: { exists: true, uid: 'u1', hash: 'tampered' },
        written,
        currentHash: 'new',
      }),
    ).toBe('edited');
  });

  it('treats an object the portal did not create as foreign, even with the right content', () => {
    expect(
      trustTargetState({
        observed: { exists: true, uid: 'u2', hash: 'new' },
        written,
        currentHash: 'new',
      }),
    ).toBe('foreign');
    expect(
      trustTargetState({
        observed: { exists: true, uid: 'u1', hash: 'new' },
        currentHash: 'new',
      }),
    ).toBe('foreign');
    expect(trustTargetRepairable('foreign')).toBe(false);
    expect(trustTargetRepairable('edited')).toBe(true);
  });
});
