import {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import {
  AuthorizeResult,
  BasicPermission,
} from '@backstage/plugin-permission-common';
import {
  canDecideTrustChange,
  rootCandidateReasons,
  TrustApprovalSettings,
  TrustChange,
  trustApprovePermission,
  trustChangeOutcome,
  trustManagePermission,
} from '@kubecerts/backstage-plugin-certificates-common';
import { randomUUID } from 'node:crypto';
import { assertDecisionAllowed } from '../approvals/ports';
import { AuditLog } from '../audit';
import { CallerIdentity } from '../service/identity';
import { parseRoots } from './rootCertificate';
import { TrustStore } from './TrustStore';

export type TrustChangeInput =
  | { action: 'add'; pem: string; reason: string }
  | { action: 'remove'; fingerprint: string; reason: string };

export interface TrustChangeServiceOptions {
  store: TrustStore;
  audit: AuditLog;
  permissions: PermissionsService;
  approvals: TrustApprovalSettings;
  /** Accept CA certificates that are not self-signed as roots. */
  allowIntermediates?: boolean;
  /** Called after a change was applied (the bundle changed). */
  onApplied: () => void;
  now?: () => Date;
}

/**
 * Adding or removing an approved root is a request with its own approvals.
 * Invariants kept here, whatever the permission policy says: the requester
 * never decides their own change; one person counts once (a unique key per
 * change and person); a decided change is final (compare-and-set from
 * pending); the root set changes in the same transaction as the decision
 * that approved it, with its audit records.
 */
export class TrustChangeService {
  static create(options: TrustChangeServiceOptions): TrustChangeService {
    return new TrustChangeService(options);
  }

  private constructor(private readonly o: TrustChangeServiceOptions) {}

  private now(): Date {
    return this.o.now?.() ?? new Date();
  }

  private async authorize(
    credentials: BackstageCredentials,
    permission: BasicPermission,
    what: string,
  ) {
    const [decision] = await this.o.permissions.authorize([{ permission }], {
      credentials,
    });
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(`You may not ${what}`);
    }
  }

  async request(
    caller: CallerIdentity,
    input: TrustChangeInput,
  ): Promise<TrustChange> {
    await this.authorize(
      caller.credentials,
      trustManagePermission,
      'change the approved roots',
    );
    const now = this.now();
    const target = await this.targetOf(input, now);
    const change: TrustChange = {
      id: randomUUID(),
      ...target,
      requester: caller.userEntityRef,
      reason: input.reason,
      state: 'pending',
      required: Math.max(1, this.o.approvals.required),
      createdAt: now.toISOString(),
      decisions: [],
    };
    await this.o.store.inTransaction(async uow => {
      if (await this.o.store.findOpenChange(change.fingerprint, uow)) {
        throw new ConflictError(
          `A change of root ${change.fingerprint} is already waiting for approval`,
        );
      }
      await this.o.store.createChange(change, uow);
      await this.o.audit.record(
        {
          actor: caller.userEntityRef,
          action: 'trust-change-requested',
          requestId: change.id,
          outcome: 'success',
          detail: `${change.action} root ${change.subject} (${change.fingerprint}): ${change.reason}`,
        },
        uow,
      );
    });
    return change;
  }

  private async targetOf(input: TrustChangeInput, now: Date) {
    const roots = await this.o.store.listRoots();
    if (input.action === 'remove') {
      const root = roots.find(r => r.fingerprint === input.fingerprint);
      if (!root)
        throw new NotFoundError(
          `Root ${input.fingerprint} is not an approved root`,
        );
      return {
        action: 'remove' as const,
        fingerprint: root.fingerprint,
        subject: root.subject,
      };
    }
    const parsed = parseRoots(input.pem, 'The certificate');
    if (parsed.length !== 1) {
      throw new InputError(
        `Add one root per change; the text holds ${parsed.length} certificates`,
      );
    }
    const [{ root, facts }] = parsed;
    const reasons = rootCandidateReasons(facts, {
      now,
      allowIntermediates: this.o.allowIntermediates,
    });
    if (reasons.length) {
      throw new InputError(
        `This certificate cannot be an approved root: ${reasons.join(' ')}`,
      );
    }
    if (roots.some(r => r.fingerprint === root.fingerprint)) {
      throw new ConflictError(`Root ${root.fingerprint} is already approved`);
    }
    return {
      action: 'add' as const,
      fingerprint: root.fingerprint,
      subject: root.subject,
      pem: root.pem,
    };
  }

  async decide(
    caller: CallerIdentity,
    id: string,
    input: { decision: 'approve' | 'deny'; reason?: string },
  ): Promise<TrustChange> {
    await this.authorize(
      caller.credentials,
      trustApprovePermission,
      'decide on root changes',
    );
    const at = this.now().toISOString();
    let applied = false;
    const result = await this.o.store.inTransaction(async uow => {
      // Locks the row first, so concurrent approvals count each other.
      const change =
        (await this.o.store.lockPending(id, uow)) ??
        (await this.o.store.getChange(id, uow));
      if (!change) throw new NotFoundError(`No root change ${id}`);
      const verdict = canDecideTrustChange({
        change,
        actor: caller.userEntityRef,
        actorGroups: caller.ownershipEntityRefs,
        approvals: this.o.approvals,
      });
      assertDecisionAllowed(verdict);
      const decision = {
        actor: caller.userEntityRef,
        decision: input.decision,
        reason: input.reason,
        at,
      };
      if (!(await this.o.store.addDecision(id, decision, uow))) {
        throw new ConflictError('You have already decided on this change.');
      }
      const decided = { ...change, decisions: [...change.decisions, decision] };
      const outcome = trustChangeOutcome(decided);
      await this.o.audit.record(
        {
          actor: caller.userEntityRef,
          action:
            input.decision === 'approve'
              ? 'trust-change-approved'
              : 'trust-change-denied',
          requestId: id,
          outcome: 'success',
          detail: `${input.decision} ${change.action} root ${change.subject}${
            input.reason ? `: ${input.reason}` : ''
          } (${outcome.approvals}/${change.required})`,
        },
        uow,
      );
      if (outcome.state === 'pending') return decided;
      if (!(await this.o.store.settle(id, outcome.state, at, uow))) {
        throw new ConflictError('The change was decided meanwhile.');
      }
      if (outcome.state === 'approved') {
        if (change.action === 'add') {
          await this.o.store.addRoot(
            {
              fingerprint: change.fingerprint,
              pem: change.pem!,
              subject: change.subject,
              notAfter: parseRoots(change.pem!, 'The approved root')[0].root
                .notAfter,
              source: 'portal',
              addedAt: at,
              addedBy: change.requester,
            },
            uow,
          );
        } else {
          await this.o.store.removeRoot(change.fingerprint, at, uow);
        }
        await this.o.audit.record(
          {
            actor: caller.userEntityRef,
            action: 'trust-change-applied',
            requestId: id,
            outcome: 'success',
            detail: `${change.action === 'add' ? 'Added' : 'Removed'} root ${
              change.subject
            } (${change.fingerprint})`,
          },
          uow,
        );
        applied = true;
      }
      return { ...decided, state: outcome.state, decidedAt: at };
    });
    if (applied) this.o.onApplied();
    return result;
  }
}
