import { TrustTargetState } from './trustTypes';

/** What the portal recorded when it last wrote a target. */
export interface WrittenTarget {
  /** metadata.uid of the object the portal created. */
  uid: string;
  /** Hash of the content the portal last wrote there. */
  hash: string;
}

/** What is in the cluster now. */
export type ObservedTarget =
  | { exists: false }
  | { exists: true; uid: string; hash: string };

/**
 * Judges a distribution target. Ownership is proven by what the portal
 * recorded (the uid of the object it created), never by the object's
 * labels, which anyone with write access can set: an object the portal did
 * not create is `foreign` and is never overwritten.
 */
export function trustTargetState(input: {
  observed: ObservedTarget;
  written?: WrittenTarget;
  /** Hash of the bundle approved now. */
  currentHash: string;
}): TrustTargetState {
  const { observed, written, currentHash } = input;
  if (!observed.exists) return 'missing';
  if (!written || written.uid !== observed.uid) return 'foreign';
  if (observed.hash === currentHash) return 'in-sync';
  if (observed.hash === written.hash) return 'stale';
  return 'edited';
}

/** Whether the next sync writes the target. */
export function trustTargetRepairable(state: TrustTargetState): boolean {
  return state === 'missing' || state === 'stale' || state === 'edited';
}
