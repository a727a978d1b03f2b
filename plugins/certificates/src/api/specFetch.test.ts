import { specInit, specUrl } from './specFetch';

describe('specUrl', () => {
  it('fills in and encodes path parameters', () => {
    expect(
      specUrl<'/requests/{id}/decision', 'post'>('/requests/{id}/decision', {
        path: { id: 'a/b c' },
        body: { decision: 'approve' },
      }),
    ).toBe('/requests/a%2Fb%20c/decision');
  });

  it('repeats array query parameters and leaves out empty ones', () => {
    expect(
      specUrl<'/certificates', 'get'>('/certificates', {
        query: {
          status: ['valid', 'expired'],
          q: '',
          includeGone: false,
          limit: 5,
        },
      }),
    ).toBe('/certificates?status=valid&status=expired&limit=5');
  });

  it('refuses a call without a path parameter', () => {
    expect(() =>
      specUrl<'/requests/{id}', 'get'>('/requests/{id}', { path: {} as any }),
    ).toThrow(/id/);
  });
});

describe('specInit', () => {
  it('sends writes as JSON and reads without a body', () => {
    expect(specInit<'/approvals/count', 'get'>('get', {})).toBeUndefined();
    expect(
      specInit<'/approvals/bulk', 'post'>('post', {
        body: { ids: ['r1'], decision: 'approve' },
      }),
    ).toEqual({
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"ids":["r1"],"decision":"approve"}',
    });
  });
});
