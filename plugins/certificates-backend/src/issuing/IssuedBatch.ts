import type { UnitOfWork } from '../database';
import type { AuditLog } from '../audit';
import type { RequestStore } from '../requests/RequestStore';
import { ISSUER_ACTOR } from './auditedTransition';
import { GroupCommit } from './GroupCommit';
import type {
  IssuanceNotifier,
  IssuedInventory,
  IssuedRecord,
  IssueWrite,
  SignedCertificate,
  Submission,
  TransactionalSigner,
} from './issuanceTypes';

export interface IssuedBatchOptions {
  store: RequestStore;
  audit: AuditLog;
  inventory: IssuedInventory;
  notifier: IssuanceNotifier;
  /** The inventory record of a stored request and its certificate. */
  issuedRecord: (write: IssueWrite) => IssuedRecord;
}

/**
 * Auto-approved CSR requests signed in memory, written already issued in
 * shared transactions (group commit): each batch inserts the requests, their
 * audit trail, the CA's records and the inventory rows in one commit. Such
 * a request is never stored in state issuing, so no other instance or
 * recovery sweep can meet it half done: it needs no issuance lease, and the
 * batch needs no statement for one.
 */
export class IssuedBatch {
  private readonly writes: GroupCommit<IssueWrite>;

  static create(options: IssuedBatchOptions): IssuedBatch {
    return new IssuedBatch(options);
  }

  private constructor(private readonly o: IssuedBatchOptions) {
    this.writes = GroupCommit.create<IssueWrite>({
      // 34 request columns: 64 rows stay far below SQLite's bound variables.
      maxBatch: 64,
      write: items => o.store.transaction(trx => this.write(items, trx)),
    });
  }

  /**
   * The writes of an auto-approved request signed at submission: the
   * request already issued, and its whole audit trail (created, issuing,
   * issued) when there is an audit log.
   */
  issuedAtSubmission(
    submission: Submission,
    options: {
      id: string;
      signer: TransactionalSigner;
      signed: SignedCertificate;
      at: string;
    },
  ): IssueWrite {
    const { id, signer, signed, at } = options;
    const about = {
      requestId: id,
      entityRef: submission.request.entityRef,
      at,
    };
    const issuer = {
      actor: ISSUER_ACTOR,
      outcome: 'success' as const,
      ...about,
    };
    return {
      request: {
        ...submission.request,
        id,
        state: 'issued',
        chainPem: signed.chainPem,
        serialNumber: signed.serialNumber,
        notAfter: signed.notAfter,
      },
      signer,
      signed,
      audits: [
        { ...submission.created, ...about },
        { ...issuer, action: 'issuing' },
        {
          ...issuer,
          action: 'issued',
          detail: `serial ${signed.serialNumber}`,
        },
      ],
    };
  }

  /** Resolves once `item` committed (its `stored` is then set); rejects when it did not. */
  add(item: IssueWrite): Promise<void> {
    return this.writes.add(item);
  }

  private async write(items: IssueWrite[], trx: UnitOfWork): Promise<void> {
    const { inventory } = this.o;
    const stored = await this.o.store.createMany(
      items.map(i => ({
        ...i.request,
        certificateId: inventory.certificateIdOf({
          id: i.request.id!,
          entityRef: i.request.entityRef,
        }),
      })),
      trx,
    );
    stored.forEach((request, i) => {
      items[i].stored = request;
    });
    const audits = items.flatMap(i => i.audits);
    if (this.o.audit.recordMany) {
      await this.o.audit.recordMany(audits, trx);
    } else {
      for (const entry of audits) await this.o.audit.record(entry, trx);
    }
    const bySigner = new Map<TransactionalSigner, SignedCertificate[]>();
    for (const item of items) {
      bySigner.set(item.signer, [
        ...(bySigner.get(item.signer) ?? []),
        item.signed,
      ]);
    }
    for (const [signer, certificates] of bySigner) {
      await signer.recordIssued(certificates, trx);
    }
    await inventory.recordInTransaction(items.map(this.o.issuedRecord), trx);
    await this.o.notifier.claimIssued?.(stored, trx);
  }
}
