import {
  TrustChange,
  TrustChangeDecision,
  TrustChangeState,
  TrustRoot,
  TrustTargetStatus,
} from '@kubecerts/backstage-plugin-certificates-common';
import type { UnitOfWork } from '../database';

/** How a decided change ends. */
export type SettledState = Exclude<TrustChangeState, 'pending'>;

/** A target's status with what the portal recorded writing there. */
export interface TrustTargetRecord extends TrustTargetStatus {
  /** metadata.uid of the object the portal created; proves ownership. */
  uid?: string;
  /** Hash of the content the portal last wrote. */
  writtenHash?: string;
}

/** The approved roots, root changes and distribution targets. */
export interface TrustStore {
  /** Adds the roots never seen before (a removed root is not added back). */
  seed(roots: TrustRoot[]): Promise<number>;
  /** The roots approved now, oldest first. */
  listRoots(): Promise<TrustRoot[]>;
  createChange(change: TrustChange, uow?: UnitOfWork): Promise<void>;
  getChange(id: string, uow?: UnitOfWork): Promise<TrustChange | undefined>;
  /** Pending changes first, then the latest decided ones. */
  listChanges(options?: { limit?: number }): Promise<TrustChange[]>;
  /** The open change for a root, if any. */
  findOpenChange(
    fingerprint: string,
    uow?: UnitOfWork,
  ): Promise<TrustChange | undefined>;
  /** Locks a pending change for a decision; undefined when it is not pending (or absent). */
  lockPending(id: string, uow: UnitOfWork): Promise<TrustChange | undefined>;
  /** Records one person's decision; false when they already decided. */
  addDecision(
    changeId: string,
    decision: TrustChangeDecision,
    uow: UnitOfWork,
  ): Promise<boolean>;
  /** Compare-and-set from pending; false when another decision ended it first. */
  settle(
    changeId: string,
    state: SettledState,
    at: string,
    uow: UnitOfWork,
  ): Promise<boolean>;
  addRoot(root: TrustRoot, uow: UnitOfWork): Promise<void>;
  removeRoot(fingerprint: string, at: string, uow: UnitOfWork): Promise<void>;
  inTransaction<T>(fn: (uow: UnitOfWork) => Promise<T>): Promise<T>;
  getTarget(
    key: Pick<TrustTargetStatus, 'cluster' | 'namespace' | 'kind' | 'name'>,
  ): Promise<TrustTargetRecord | undefined>;
  saveTarget(record: TrustTargetRecord): Promise<void>;
  listTargets(): Promise<TrustTargetStatus[]>;
}
