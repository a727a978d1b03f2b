import { LoggerService } from '@backstage/backend-plugin-api';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { NotificationPayload } from '@backstage/plugin-notifications-common';
import { CertificateRequest } from '@kubecerts/backstage-plugin-certificates-common';
import { Knex } from 'knex';
import { transactionOf, UnitOfWork } from '../database/unitOfWork';
import { createHash } from 'node:crypto';
import { NotificationLinks } from './links';

const SENT = 'certificates_notifications_sent';

export type RequestEvent =
  | 'queued'
  | 'approved'
  | 'denied'
  | 'issued'
  | 'failed';

/**
 * Tells people about request events through the notifications plugin, once
 * per request and event (whoever calls, however often). Without the
 * notifications plugin it does nothing.
 */
export class RequestNotifier {
  static create(options: {
    knex: Knex;
    notifications?: NotificationService;
    logger: LoggerService;
    now?: () => Date;
    /** Default: links relative to the app. */
    links?: NotificationLinks;
  }): RequestNotifier {
    return new RequestNotifier({
      ...options,
      links: options.links ?? NotificationLinks.create(),
    });
  }

  private constructor(
    private readonly o: Parameters<typeof RequestNotifier.create>[0] & {
      links: NotificationLinks;
    },
  ) {}

  /** A request entered the approvers' queue. */
  /**
   * Nobody is notified of a withdrawn request (the approvers' queue badge
   * hears of it through the approvals signal, see withApprovalSignals).
   */
  async requestCancelled(_request: CertificateRequest): Promise<void> {}

  async requestQueued(request: CertificateRequest): Promise<void> {
    if (request.approvers.length === 0) return;
    await this.send(request, 'queued', {
      recipients: request.approvers,
      // An in-cluster requester is a Kubernetes username, not an entity ref.
      exclude: request.inCluster ? undefined : request.requester,
      payload: {
        title: `Certificate request awaits approval: ${describe(request)}`,
        description: `${request.requester} asks for ${names(request)} from ${
          request.issuer
        }${request.pendingReason ? ` (${request.pendingReason})` : ''}.`,
        link: this.o.links.approvals(),
        severity: 'normal',
      },
    });
  }

  /** The request was approved or denied. */
  async requestDecided(request: CertificateRequest): Promise<void> {
    if (request.state === 'denied') {
      await this.send(request, 'denied', {
        recipients: [request.requester],
        payload: {
          title: `Certificate request denied: ${describe(request)}`,
          description:
            request.failureReason ?? 'An approver denied the request.',
          link: this.o.links.request(request),
          severity: 'high',
        },
      });
    } else if (
      request.state === 'approved' ||
      request.state === 'issuing' ||
      request.state === 'issued'
    ) {
      await this.send(request, 'approved', {
        recipients: [request.requester],
        payload: {
          title: `Certificate request approved: ${describe(request)}`,
          description: `Approved; issuing from ${request.issuer}.`,
          link: this.o.links.request(request),
          severity: 'normal',
        },
      });
    }
  }

  /** The row that claims sending (request, event): only the claimant sends. */
  private claimRecord(request: CertificateRequest, event: RequestEvent) {
    return {
      request_id: claimKey(request),
      event,
      at: (this.o.now?.() ?? new Date()).toISOString(),
    };
  }

  /**
   * Claims the `issued` notifications of `requests` in `trx`, the
   * transaction that records them issued: the claim commits with the state
   * (or not at all), and `requestIssued(request, { claimed: true })` sends
   * after that commit without a claim of its own.
   */
  async claimIssued(
    requests: CertificateRequest[],
    uow: UnitOfWork,
  ): Promise<void> {
    if (!this.o.notifications || requests.length === 0) return;
    await transactionOf(uow)(SENT)
      .insert(requests.map(request => this.claimRecord(request, 'issued')))
      .onConflict(['request_id', 'event'])
      .ignore();
  }

  async requestIssued(
    request: CertificateRequest,
    options: { claimed?: boolean } = {},
  ): Promise<void> {
    await this.send(request, 'issued', {
      claimed: options.claimed,
      recipients: [request.requester],
      payload: {
        title: `Certificate issued: ${describe(request)}`,
        description: request.notAfter
          ? `Valid until ${request.notAfter}.`
          : undefined,
        link: this.o.links.request(request),
        severity: 'normal',
      },
    });
  }

  async requestFailed(request: CertificateRequest): Promise<void> {
    await this.send(request, 'failed', {
      recipients: [request.requester],
      payload: {
        title: `Certificate request failed: ${describe(request)}`,
        description: request.failureReason,
        link: this.o.links.request(request),
        severity: 'high',
      },
    });
  }

  private async send(
    request: CertificateRequest,
    event: RequestEvent,
    options: {
      recipients: string[];
      exclude?: string;
      /** The pair was claimed already (in the transaction that recorded the event). */
      claimed?: boolean;
      payload: Omit<NotificationPayload, 'topic' | 'scope'>;
    },
  ): Promise<void> {
    const { notifications, knex, logger } = this.o;
    if (!notifications) return;
    if (!options.claimed) {
      // Claim the (request, event) pair first: only the claimant sends.
      const claimed = await knex(SENT)
        .insert(this.claimRecord(request, event))
        .onConflict(['request_id', 'event'])
        .ignore()
        .returning(['request_id']);
      if (claimed.length === 0) return;
    }
    try {
      await notifications.send({
        recipients: {
          type: 'entity',
          entityRef: options.recipients,
          ...(options.exclude ? { excludeEntityRef: options.exclude } : {}),
        },
        payload: {
          ...options.payload,
          topic: `certificate-request:${request.id}`,
          scope: `certificates:request:${request.id}:${event}`,
        },
      });
    } catch (error) {
      // A notification is a courtesy; the workflow must not fail because of it.
      logger.warn(
        `Could not send ${event} notification for request ${request.id}: ${error}`,
      );
    }
  }
}

/**
 * The key a notification is claimed under. In-cluster ids are long (cluster,
 * namespace and name): they are hashed with the creation time, so a
 * CertificateRequest recreated under the same name is announced again.
 */
function claimKey(request: CertificateRequest): string {
  if (!request.inCluster) return request.id;
  const digest = createHash('sha256')
    .update(`${request.id}\n${request.createdAt}`)
    .digest('hex');
  return `incluster:${digest}`;
}

function describe(request: CertificateRequest): string {
  return `${request.commonName ?? request.dnsNames[0] ?? request.id} for ${
    request.entityRef
  }`;
}

function names(request: CertificateRequest): string {
  return [request.commonName, ...request.dnsNames]
    .filter((n, i, all): n is string => !!n && all.indexOf(n) === i)
    .join(', ');
}
