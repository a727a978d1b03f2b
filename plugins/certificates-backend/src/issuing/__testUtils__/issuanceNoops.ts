import type { IssuanceServiceOptions } from '../issuanceTypes';

/**
 * IssuanceService's collaborators beyond the store, the issuers, the
 * logger and the audit log, doing nothing: for suites and benchmarks about
 * issuance alone. Spread first, then give what the suite is about.
 */
export const issuanceNoops: Pick<
  IssuanceServiceOptions,
  'recheck' | 'onIssued' | 'inventory' | 'notifier'
> = {
  // The policy still allows whatever it allowed when approved.
  recheck: async () => undefined,
  // No inventory is kept, in the issuing transaction or after it.
  onIssued: async () => undefined,
  inventory: {
    certificateIdOf: () => undefined,
    recordInTransaction: async () => undefined,
  },
  notifier: {
    requestIssued: async () => undefined,
    requestFailed: async () => undefined,
  },
};
