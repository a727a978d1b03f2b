import type { RequestState } from '../types';
import {
  REQUEST_TRANSITIONS,
  canTransition,
  refusedTransitions,
} from './requestTransitions';

const STATES: RequestState[] = [
  'pending',
  'approved',
  'issuing',
  'issued',
  'failed',
  'denied',
  'cancelled',
];

describe('REQUEST_TRANSITIONS', () => {
  it('allows exactly the moves the services make', () => {
    const allowed = STATES.flatMap(from =>
      STATES.filter(to => canTransition(from, to)).map(to => `${from}>${to}`),
    );
    expect(allowed.sort()).toEqual(
      [
        'pending>pending',
        'pending>approved',
        'pending>denied',
        'pending>cancelled',
        'approved>issuing',
        'approved>failed',
        'issuing>issued',
        'issuing>failed',
        'issued>issued',
      ].sort(),
    );
  });

  it('names every state', () => {
    expect(Object.keys(REQUEST_TRANSITIONS).sort()).toEqual([...STATES].sort());
  });

  it.each<[RequestState, RequestState]>([
    ['issued', 'pending'],
    ['issued', 'failed'],
    ['denied', 'approved'],
    ['denied', 'pending'],
    ['cancelled', 'pending'],
    ['failed', 'issuing'],
    ['failed', 'approved'],
    ['pending', 'issuing'],
    ['pending', 'issued'],
    ['approved', 'approved'],
    ['approved', 'issued'],
    ['approved', 'pending'],
    ['issuing', 'issuing'],
    ['issuing', 'approved'],
  ])('refuses %s → %s', (from, to) => {
    expect(canTransition(from, to)).toBe(false);
  });

  it('leaves the final states only for themselves', () => {
    for (const state of ['failed', 'denied', 'cancelled'] as const) {
      expect(REQUEST_TRANSITIONS[state]).toEqual([]);
    }
    expect(REQUEST_TRANSITIONS.issued).toEqual(['issued']);
  });

  it('refuses an unknown state', () => {
    expect(canTransition('archived' as RequestState, 'pending')).toBe(false);
  });
});

describe('refusedTransitions', () => {
  it('lists the states of a compare-and-set that may not move', () => {
    expect(refusedTransitions(['issuing', 'approved'], 'failed')).toEqual([]);
    expect(refusedTransitions(['pending', 'issued'], 'cancelled')).toEqual([
      'issued',
    ]);
    expect(refusedTransitions([], 'issued')).toEqual([]);
  });
});
